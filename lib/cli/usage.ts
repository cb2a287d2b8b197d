/** A command line the `caqes` command cannot run: its message is shown with the usage, exit code 2. */
export class UsageError extends Error {}
