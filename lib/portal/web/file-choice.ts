/**
 * Choosing a file and following its validation, as both upload pages do it (the establishment's and
 * OMéDIT's inputs page): the file input or a drop on `#zone`, the line naming the file chosen, and
 * the polling of its result until ingest has written it, and the problems it reports.
 */
import type { DoneFileResult, FileResult } from './api-types';

const { el } = window.CAQES;

/** The file in the page's `#fichier` input, if one is chosen. */
export function chosenFile(): File | undefined {
  const input = document.getElementById('fichier') as HTMLInputElement;
  return (input.files && input.files[0]) || undefined;
}

/** Names the file chosen (and its size) under the input, or hides the line. */
export function showChosen(): void {
  const file = chosenFile();
  const line = document.getElementById('choisi')!;
  line.hidden = !file;
  line.textContent = file ? 'Fichier choisi : ' + file.name + ' (' + window.CAQES.size(file.size) + ')' : '';
}

/** A file dropped on `#zone` is the file chosen, as if picked in the input. */
export function wireDropZone(): void {
  const zone = document.getElementById('zone')!;
  const input = document.getElementById('fichier') as HTMLInputElement;
  input.addEventListener('change', showChosen);
  ['dragenter', 'dragover'].forEach((name) =>
    zone.addEventListener(name, (e) => {
      e.preventDefault();
      zone.classList.add('survol');
    }),
  );
  ['dragleave', 'drop'].forEach((name) => zone.addEventListener(name, () => zone.classList.remove('survol')));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    if (e.dataTransfer && e.dataTransfer.files.length > 0) {
      input.files = e.dataTransfer.files;
      showChosen();
    }
  });
}

/**
 * Asks for a file's result until ingest has written it: every second at first, then every four;
 * null after `attempts` answers still pending.
 */
export async function waitForResult(ask: () => Promise<FileResult>, attempts: number): Promise<DoneFileResult | null> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const result = await ask();
    if (result.state === 'done') return result;
    await window.CAQES.sleep(attempt < 20 ? 1000 : 4000);
  }
  return null;
}

/** The problems a validation report lists (the first ones when it was cut), each with its line and column. */
export function issuesTable(result: DoneFileResult): HTMLElement {
  return el('div', { class: 'tableau' }, [
    el('table', {}, [
      el('caption', { text: result.truncated ? 'Premiers problèmes relevés' : 'Problèmes relevés' }),
      el('thead', {}, [el('tr', {}, ['Gravité', 'Ligne', 'Colonne', 'Message'].map((t) => el('th', { scope: 'col', text: t })))]),
      el(
        'tbody',
        {},
        result.issues.map((i) =>
          el('tr', {}, [
            el('td', { class: 'etat etat-' + (i.severity === 'error' ? 'refused' : 'missing'), text: i.severity === 'error' ? 'Erreur' : 'Avertissement' }),
            el('td', { text: i.row === null ? '–' : String(i.row) }),
            el('td', { text: i.column === null ? '–' : i.column }),
            el('td', { text: i.message }),
          ]),
        ),
      ),
    ]),
  ]);
}
