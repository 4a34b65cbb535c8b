import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's CPU times (`getconf CLK_TCK`; 100 on Linux whenever it cannot be asked). */
const TICKS_PER_S = (() => {
  try {
    const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(value) && value > 0 ? value : 100;
  } catch {
    return 100;
  }
})();

interface ProcStat {
  comm: string;
  ppid: number;
  /** utime + stime of the process itself (not its children), in milliseconds. */
  cpuMs: number;
}

/** `/proc/<pid>/stat`, or undefined when the process is gone (or this is not Linux). */
export function procStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name is in parentheses and may hold spaces: the fields are counted after the last ')'.
  const close = text.lastIndexOf(')');
  const comm = text.slice(text.indexOf('(') + 1, close);
  const fields = text
    .slice(close + 2)
    .trim()
    .split(' ');
  // After the name: state(3) ppid(4) ... utime(14) stime(15), numbered as in proc(5).
  const ppid = Number(fields[1]);
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { comm, ppid, cpuMs: (ticks * 1000) / TICKS_PER_S };
}

/** A process and its descendants (the cluster primary and its workers), by scanning /proc. */
export function processTree(root: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [root];
  }
  const children = new Map<number, number[]>();
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = procStat(Number(entry));
    if (!stat) continue;
    let list = children.get(stat.ppid);
    if (!list) children.set(stat.ppid, (list = []));
    list.push(Number(entry));
  }
  const tree: number[] = [];
  const queue = [root];
  while (queue.length) {
    const pid = queue.shift()!;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** CPU milliseconds used so far by each of the given processes that still runs (and, if asked, has this name). */
export function cpuTimes(pids: number[], comm?: string): Map<number, number> {
  const times = new Map<number, number>();
  for (const pid of pids) {
    const stat = procStat(pid);
    if (stat && (comm === undefined || stat.comm === comm)) times.set(pid, stat.cpuMs);
  }
  return times;
}

/**
 * CPU spent between two readings: a process in both counts its difference, one that appeared in between counts
 * all of its time (it started in the window), one that is gone counts nothing (its last ticks are lost: the
 * report gives the process counts so that a restarted worker shows).
 */
export function cpuSpent(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}
