import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time from /proc (Linux), so the benchmark can say where the machine's cores went: the
 * sidecar's processes, PostgreSQL's, the load generator's, and everything else on the machine.
 */
const TICKS_PER_MS = 100 / 1000; // USER_HZ is 100 on Linux

interface ProcessTimes {
  pid: number;
  ppid: number;
  name: string;
  cpuMs: number;
}

function readProcesses(): ProcessTimes[] {
  const out: ProcessTimes[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const fields = stat.slice(close + 2).split(' ');
      out.push({
        pid: Number(entry),
        ppid: Number(fields[1]),
        name: stat.slice(stat.indexOf('(') + 1, close),
        cpuMs: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_MS,
      });
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

/** CPU milliseconds used so far by `pid` and all its descendants, optionally only those named `name`. */
export function treeCpuMs(pid: number, name?: string): number {
  const all = readProcesses();
  const children = new Map<number, ProcessTimes[]>();
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  let total = 0;
  const visit = (id: number) => {
    for (const child of children.get(id) ?? []) {
      if (!name || child.name === name) total += child.cpuMs;
      visit(child.pid);
    }
  };
  const self = all.find((p) => p.pid === pid);
  if (self && (!name || self.name === name)) total += self.cpuMs;
  visit(pid);
  return total;
}

export interface IoCounts {
  /** read- and write-family system calls (socket reads and writes among them). */
  reads: number;
  writes: number;
  /** Voluntary context switches: each time a thread went to sleep waiting (on a socket, a lock). */
  sleeps: number;
}

/** System calls and sleeps so far of one process (all its threads). */
export function processIo(pid: number): IoCounts {
  const out = { reads: 0, writes: 0, sleeps: 0 };
  try {
    const io = readFileSync(`/proc/${pid}/io`, 'utf8');
    out.reads = Number(/syscr: (\d+)/.exec(io)?.[1] ?? 0);
    out.writes = Number(/syscw: (\d+)/.exec(io)?.[1] ?? 0);
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      out.sleeps += Number(/voluntary_ctxt_switches:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/task/${task}/status`, 'utf8'))?.[1] ?? 0);
    }
  } catch {
    // the process ended while we looked, or isn't ours to read
  }
  return out;
}

/** System calls and sleeps so far of `pid` and its descendants, optionally only those named `name`. */
export function treeIo(pid: number, name?: string): IoCounts {
  const all = readProcesses();
  const total = { reads: 0, writes: 0, sleeps: 0 };
  const add = (id: number) => {
    const c = processIo(id);
    total.reads += c.reads;
    total.writes += c.writes;
    total.sleeps += c.sleeps;
  };
  const visit = (id: number) => {
    for (const child of all.filter((p) => p.ppid === id)) {
      if (!name || child.name === name) add(child.pid);
      visit(child.pid);
    }
  };
  if (!name || all.find((p) => p.pid === pid)?.name === name) add(pid);
  visit(pid);
  return total;
}

/** Busy CPU milliseconds of the whole machine so far (all cores). */
export function machineBusyMs(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = line[3]! + line[4]!; // idle + iowait
  const total = line.slice(0, 8).reduce((a, b) => a + b, 0);
  return (total - idle) / TICKS_PER_MS;
}

/**
 * CPU milliseconds so far of `pid` and its descendants, summed per group: `classify` names each
 * process's group from its command line and name (undefined: not counted).
 */
export function treeCpuByGroup(pid: number, classify: (cmdline: string, name: string) => string | undefined): Record<string, number> {
  const all = readProcesses();
  const children = new Map<number, ProcessTimes[]>();
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const totals: Record<string, number> = {};
  const add = (p: ProcessTimes) => {
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${p.pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
    } catch {
      // the process ended while we looked
    }
    const group = classify(cmdline, p.name);
    if (group) totals[group] = (totals[group] ?? 0) + p.cpuMs;
  };
  const visit = (id: number) => {
    for (const child of children.get(id) ?? []) {
      add(child);
      visit(child.pid);
    }
  };
  const self = all.find((p) => p.pid === pid);
  if (self) add(self);
  visit(pid);
  return totals;
}

/**
 * CPU milliseconds of this process's children that have ended and been waited for (cutime +
 * cstime of /proc/self/stat): what an external load generator used, read after it exits.
 */
export function endedChildrenCpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / TICKS_PER_MS;
}
