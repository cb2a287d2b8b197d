import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { setFields, withoutKeys } from '../../lib/store/dynamo-query';

describe('withoutKeys', () => {
  it('gives the record an item stores, without its pk and sk', () => {
    expect(withoutKeys({ pk: 'ACCOUNT#a@b.fr', sk: 'PROFILE', email: 'a@b.fr', status: 'active' })).toEqual({ email: 'a@b.fr', status: 'active' });
  });

  it('keeps every other attribute as it is', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string().filter((k) => k !== 'pk' && k !== 'sk' && k !== '__proto__'), fc.jsonValue()), (record) => {
        expect(withoutKeys({ pk: 'P', sk: 'S', ...record })).toEqual(record);
      }),
    );
  });
});

describe('setFields', () => {
  it('sets each field through placeholders, so that a reserved word such as status is safe', () => {
    expect(setFields({ status: 'disabled', updatedBy: 'admin@ars.fr' })).toEqual({
      UpdateExpression: 'SET #f0 = :f0, #f1 = :f1',
      ExpressionAttributeNames: { '#f0': 'status', '#f1': 'updatedBy' },
      ExpressionAttributeValues: { ':f0': 'disabled', ':f1': 'admin@ars.fr' },
    });
  });
});
