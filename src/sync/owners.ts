// GNU tar restores ownership by NAME first: the header's uname/gname are looked
// up in the container's /etc/passwd and /etc/group, and the numeric ids are used
// only when a name is unknown (Tilt sends uid 0 with the host user's name, so a
// container user with that name gets the files). Loaded once, only when needed.
import { readFile } from 'node:fs/promises';

type Table = ReadonlyMap<string, number>;

async function loadTable(file: string, idField: number): Promise<Table> {
  const table = new Map<string, number>();
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return table; // distroless images may lack one: numeric ids then
  }
  for (const line of text.split('\n')) {
    const fields = line.split(':');
    const id = Number(fields[idField]);
    if (fields[0] && Number.isSafeInteger(id) && id >= 0 && !table.has(fields[0])) table.set(fields[0], id);
  }
  return table;
}

export interface OwnerFiles {
  passwd: string;
  group: string;
}

export class Owners {
  private users: Promise<Table> | undefined;
  private groups: Promise<Table> | undefined;

  constructor(private readonly files: OwnerFiles = { passwd: '/etc/passwd', group: '/etc/group' }) {}

  /** The uid and gid an entry's owner maps to in this container. */
  async resolve(uname: string, uid: number, gname: string, gid: number): Promise<{ uid: number; gid: number }> {
    this.users ??= loadTable(this.files.passwd, 2);
    this.groups ??= loadTable(this.files.group, 2);
    const [users, groups] = await Promise.all([this.users, this.groups]);
    return {
      uid: (uname !== '' ? users.get(uname) : undefined) ?? uid,
      gid: (gname !== '' ? groups.get(gname) : undefined) ?? gid,
    };
  }
}
