/** Reading a zip's central directory to check what the streaming unzip produced. */
/**
 * Reading a zip's central directory from the archive's last bytes, to check what the
 * streaming unzip produced against what the archive declares (CRC-32 and size per entry).
 *
 * @packageDocumentation
 */
import { ResultArchiveError } from '../core/errors';

/** What the central directory says of one entry. @internal */
export interface DirectoryEntry {
  readonly crc: number;
  /** Uncompressed size; `undefined` when stored in a ZIP64 extra field. */
  readonly size?: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
/** The end record is 22 bytes plus a comment of at most 65,535 bytes. */
export const MAX_EOCD_SEARCH = 22 + 0xffff;

/**
 * Parses the central directory found in `tail` (the archive's last bytes).
 *
 * @internal
 */
export function readCentralDirectory(tail: Uint8Array): Map<string, DirectoryEntry> {
  const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  let eocd = -1;
  for (let i = tail.length - 22; i >= Math.max(0, tail.length - MAX_EOCD_SEARCH); i--) {
    if (view.getUint32(i, true) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ResultArchiveError('Result archive is truncated: no end-of-central-directory record');
  const count = view.getUint16(eocd + 10, true);
  const dirSize = view.getUint32(eocd + 12, true);
  let p = eocd - dirSize;
  if (p < 0) throw new ResultArchiveError('Result archive central directory is larger than the kept tail');
  const entries = new Map<string, DirectoryEntry>();
  const decoder = new TextDecoder();
  for (let i = 0; i < count; i++) {
    if (p + 46 > eocd || view.getUint32(p, true) !== CENTRAL) {
      throw new ResultArchiveError('Result archive central directory is corrupt');
    }
    const crc = view.getUint32(p + 16, true);
    const size = view.getUint32(p + 24, true);
    const nameLen = view.getUint16(p + 28, true);
    const extraLen = view.getUint16(p + 30, true);
    const commentLen = view.getUint16(p + 32, true);
    const name = decoder.decode(tail.subarray(p + 46, p + 46 + nameLen));
    entries.set(name, { crc, size: size === 0xffffffff ? undefined : size });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}
