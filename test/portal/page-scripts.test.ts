/**
 * The pages' scripts are TypeScript (lib/portal/web/) bundled by esbuild and served under the names
 * the pages load: what the browser gets is a plain script with nothing of Node in it, and the words
 * it shares with the server come from the server's modules, not from a copy.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ASSET_NAMES } from '../../lib/portal/assets';
import { PAGE_SCRIPTS, PAGE_SOURCES, writePageScripts } from '../../lib/portal/page-scripts';
import { ROLE_LABELS } from '../../lib/portal/permissions';
import { DMI_PLAN_LABELS, STANDING_LABELS, STATUS_LABELS } from '../../lib/report/plain-labels';
import { handleRequest, type PortalDeps } from '../../lib/portal/routes';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const deps = { uploadOrigin: 'https://caqes-drop.s3.eu-west-3.amazonaws.com', auth: { mode: 'local' }, logger: silent } as unknown as PortalDeps;
const served = async (name: string) => handleRequest({ method: 'GET', path: `/assets/${name}`, query: {}, headers: {}, body: null }, deps);
const scriptNames = ASSET_NAMES.filter((n) => n.endsWith('.js'));

describe('the pages’ scripts as served', () => {
  it('are one bundle per script the pages load, each built from its TypeScript source', () => {
    expect([...scriptNames].sort()).toEqual(PAGE_SCRIPTS.map((n) => `${n}.js`).sort());
    for (const name of PAGE_SCRIPTS) expect(readdirSync(PAGE_SOURCES)).toContain(`${name}.ts`);
  });

  it('are plain browser scripts: no require(, no node: module, no import or export left', async () => {
    for (const name of scriptNames) {
      const response = await served(name);
      expect(response.status, name).toBe(200);
      expect(response.headers['content-type']).toBe('text/javascript; charset=utf-8');
      expect(response.body, name).not.toMatch(/\brequire\(|node:|\bprocess\.|\bBuffer\b|^\s*(import|export)\s/m);
      // An IIFE: nothing leaks into the page's globals but what common.js puts in window.CAQES.
      expect(response.body, name).toMatch(/^"use strict";\s*\(\(\) => \{/);
    }
  });

  it('leave window.CAQES to common.js alone: the pages share one ApiError class, so `instanceof` holds across scripts', async () => {
    for (const name of scriptNames) {
      const assignments = ((await served(name)).body.match(/window\.CAQES = /g) ?? []).length;
      expect(assignments, name).toBe(name === 'common.js' ? 1 : 0);
    }
  });

  it('show the server’s own labels, bundled from its modules and not copied into the pages’ sources', async () => {
    const shared: [string, string][] = [
      ['admin', ROLE_LABELS.assurance_maladie],
      ['suivi', STANDING_LABELS.missing],
      ['rapport', DMI_PLAN_LABELS.partly],
      ['rapport', STATUS_LABELS.not_met],
    ];
    for (const [script, label] of shared) {
      expect((await served(`${script}.js`)).body, `${script}.js`).toContain(`"${label}"`);
      expect(readFileSync(path.join(PAGE_SOURCES, `${script}.ts`), 'utf8'), `${script}.ts`).not.toContain(label);
    }
  });
});

describe('the pages’ scripts for AWS', () => {
  it('are written beside the API’s bundle at synth, the same text as served here', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'caqes-scripts-'));
    try {
      expect(writePageScripts(dir).sort()).toEqual([...scriptNames].sort());
      for (const name of scriptNames) expect(readFileSync(path.join(dir, name), 'utf8'), name).toBe((await served(name)).body);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
