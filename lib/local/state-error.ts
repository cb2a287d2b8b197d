/** A state folder (or the single-machine runtime's settings) that cannot be used as it is: the message says which file and what to do, in French. */
export class StateError extends Error {}
