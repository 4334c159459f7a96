import { readdirSync, readFileSync } from 'node:fs';

/**
 * Signals a command's process group. In the sandbox the group's leader is bubblewrap,
 * and bubblewrap dies on SIGTERM and takes the whole namespace with it at once — so a
 * TERM meant as "please finish" goes to every process of the group except bubblewrap's
 * own two, giving the command its grace; a KILL goes to the whole group.
 */
export function signalGroup(pgid: number, signal: NodeJS.Signals, spareBubblewrap: boolean): void {
  if (!spareBubblewrap || signal === 'SIGKILL') {
    kill(-pgid, signal);
    return;
  }
  for (const pid of groupMembers(pgid)) kill(pid, signal);
}

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

/** Pids in process group `pgid`, bubblewrap's own processes left out. */
function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      // Fields after the command name: state, ppid, pgrp, ...
      const pgrp = Number(stat.slice(close + 2).split(' ')[2]);
      if (pgrp === pgid && comm !== 'bwrap') members.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return members;
}
