import { startEmbedded, type Embedded } from './embedded';
import { offsetClock } from './simulated-clock';
import { openState, type LocalState } from './state';

/** The embedded default a command runs on: over a state folder (kept) or a temporary one (removed). */
export interface LocalRun {
  embedded: Embedded;
  state: LocalState | null;
  stop(): Promise<void>;
}

/**
 * Starts the embedded default for `command`, over the state folder `stateDir` when given (opened and
 * locked; its personal links point at the portal address the last `caqes serve` recorded there, and
 * its clock is the state's).
 * @throws StateError when the state folder cannot be used as it is.
 */
export async function startLocal(options: { stateDir?: string; command: string; portalUrl?: string }): Promise<LocalRun> {
  const state = options.stateDir ? await openState(options.stateDir, options.command) : null;
  let embedded: Embedded;
  try {
    const portalUrl = options.portalUrl ?? state?.manifest.portalUrl;
    embedded = await startEmbedded({ ...(portalUrl ? { portalUrl } : {}), ...(state ? { state } : {}) });
    // The state's clock (simulated by `caqes serve --today`) until the command sets its own day.
    if (state?.manifest.clockOffsetMs) embedded.setClock(offsetClock(state.manifest.clockOffsetMs));
  } catch (error) {
    await state?.release();
    throw error;
  }
  return {
    embedded,
    state,
    async stop() {
      try {
        await embedded.stop();
      } finally {
        await state?.release();
      }
    },
  };
}
