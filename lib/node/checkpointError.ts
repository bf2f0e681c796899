/** The error of checkpoint files. */
/**
 * The error of checkpoint files.
 *
 * @packageDocumentation
 */

/**
 * A checkpoint that cannot be used: a complete line in the middle that is not a record, a
 * read-only file, a record that could not be written, or a lock held by another process.
 *
 * ## Example
 * ```ts
 * try { await loadCheckpoint(file); } catch (e) { if (e instanceof CheckpointError) console.error(e.message); }
 * ```
 */
export class CheckpointError extends Error {
  override readonly name: string = 'CheckpointError';
}
