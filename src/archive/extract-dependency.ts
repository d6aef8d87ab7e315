// Extracts a dependency archive (watchexec's release tarball) into an empty
// staging directory. The policy is strict because the archive is a supply-chain
// input: anything that could write outside the directory, or that a release
// never contains, is refused with a message naming the entry.
import { createWriteStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { BuildpackError } from '../errors';
import { decompressedChunks, SizeLimitError, sniffCompression } from './decompress';
import { entryPath, linkCrossesSymlink, linkStaysInside, stripComponents } from './safe-path';
import { readTar, TarFormatError } from './tar-reader';

export interface ExtractLimits {
  /** Total decompressed bytes: refuses decompression bombs. */
  maxBytes: number;
  maxEntries: number;
}

export const DEFAULT_LIMITS: ExtractLimits = { maxBytes: 512 * 1024 * 1024, maxEntries: 10_000 };

export async function extractDependencyArchive(
  archive: string,
  destination: string,
  strip: number,
  label: string,
  limits: ExtractLimits = DEFAULT_LIMITS,
): Promise<void> {
  const refuse = (problem: string): never => {
    throw new BuildpackError('archive', `${label}: ${problem}; nothing was installed`);
  };
  const compression = await sniffCompression(archive);
  const written = new Set<string>();
  const symlinks = new Set<string>();
  let entries = 0;
  try {
    for await (const entry of readTar(decompressedChunks(archive, compression, limits.maxBytes))) {
      const { header } = entry;
      if (++entries > limits.maxEntries) refuse(`more than ${limits.maxEntries} entries`);
      const checked = entryPath(header.name, false);
      if (!checked.ok) refuse(`entry "${header.name}" ${checked.problem}`);
      const relative = stripComponents(checked.ok ? checked.relative : '', strip);
      if (relative === '') continue; // the stripped top-level directory itself
      if (throughSymlink(relative, symlinks)) refuse(`entry "${header.name}" would be written through a symlink of the archive`);
      const target = path.join(destination, relative);
      await fs.mkdir(path.dirname(target), { recursive: true });

      switch (header.type) {
        case 'directory':
          await fs.mkdir(target, { recursive: true, mode: 0o755 });
          break;
        case 'file':
          await pipeline(entry.body(), createWriteStream(target, { flags: 'wx', mode: header.mode & 0o755 }));
          await fs.chmod(target, header.mode & 0o755);
          written.add(relative);
          break;
        case 'symlink':
          if (!linkStaysInside(relative, header.linkname) || linkCrossesSymlink(relative, header.linkname, symlinks)) {
            refuse(`symlink "${header.name}" points outside the archive (to "${header.linkname}")`);
          }
          await fs.symlink(header.linkname, target);
          symlinks.add(relative);
          break;
        case 'hardlink': {
          const linked = entryPath(header.linkname, false);
          const linkedRelative = linked.ok ? stripComponents(linked.relative, strip) : '';
          if (!linked.ok || !written.has(linkedRelative)) {
            refuse(`hard link "${header.name}" points outside the archive or to a file not extracted before it ("${header.linkname}")`);
          }
          await fs.link(path.join(destination, linkedRelative), target);
          break;
        }
        default:
          refuse(`entry "${header.name}" is a ${header.type === 'other' ? `type "${header.typeflag}" entry` : header.type}, which a release archive never contains`);
      }
    }
  } catch (error) {
    if (error instanceof BuildpackError) throw error;
    if (error instanceof SizeLimitError) refuse(`it decompresses to more than ${limits.maxBytes} bytes`);
    if (error instanceof TarFormatError) refuse(`corrupt tar data at entry ${error.entryIndex + 1}: ${error.message}`);
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') refuse(`an entry is stored twice or collides with a link`);
    refuse(`cannot be extracted: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Whether any parent of `relative` is a symlink the archive created. */
function throughSymlink(relative: string, symlinks: ReadonlySet<string>): boolean {
  const parts = relative.split('/');
  for (let i = 1; i < parts.length; i++) if (symlinks.has(parts.slice(0, i).join('/'))) return true;
  return false;
}
