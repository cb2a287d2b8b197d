/**
 * Choosing a file and following its validation, as both upload pages do it (the establishment's and
 * OMéDIT's inputs page): the file input or a drop on `#zone`, the line naming the file chosen, and
 * the polling of its result until ingest has written it.
 */
import type { DoneFileResult, FileResult } from './api-types';

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
