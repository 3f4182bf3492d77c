/**
 * The kernel side of `hugeswap real`: one C program that replays a model trace (trace.ts) on a
 * real kernel and prints what it observes after every step, in the same terms.
 *
 * Layout. A coordinator process starts every task: k.spawn() forks a fresh child of it (its mm
 * holds the C runtime's mappings, never the arena), t.fork() forks the task itself. Tasks run
 * their steps in scenario order, handed out one at a time through a shared page; after each
 * step the coordinator, which maps nothing in the arena and never faults there, reads /proc for
 * every live task, so no observation lands in a task's own counters. Kernel-level steps
 * (khugepaged, swapoff, snapshots, ...) are the coordinator's.
 *
 * Addresses. Every mapping is placed at its model address moved into an arena (HS_ARENA, a
 * 512 GB-aligned region nothing else uses): the model leaves a 2 MB gap after each mapping, so
 * no VMA of the kernel ever merges across two of the scenario's extents, and the page tables
 * the arena needs (PTE, PMD and PUD tables) are the model's.
 *
 * Contents. A written page gets its index and seed-dependent words in its first half and zeros
 * in the second: neither same-filled (zram and the zero-page swap-out would skip it) nor
 * incompressible, about 2:1 for zram's compressors.
 *
 * Output, one record per line on stdout (the coordinator is the only writer):
 *   O <step> <task> <ns> <errno>        the step ran (task -1: the kernel); <ns> its wall time
 *   V <step> <name> <value>             every /proc/vmstat counter after the step
 *   P <step> <task> VmPTE VmSwap RssAnon minflt majflt   (VmSwap and RssAnon from smaps_rollup's
 *                                       Swap and Anonymous when HS_RSS_ROLLUP is set)
 *   M <step> <task> <start> <end> Rss AnonHugePages Swap   a VMA in the arena (model addresses)
 *   U <step> <events>                   a uffdEvents step: the events the task's monitor resolved
 *   X <step> <message>                  the step could not be replayed (then the run stops)
 * Step -1 is the observation before the first step.
 */
import { MMAP_BASE } from '../../sim/mm/mmap'
import { MADVICE, PROT } from '../export-selftest/c-text'
import type { Step, Trace } from './trace'
import type { SimVerb } from '../../scenario/verbs'

/** Start of the arena in the kernel's address space: 32 TB, a PGD entry of its own. */
export const ARENA_BASE = 0x200000000000
const PAGE = 4096

/**
 * Prints 1 when a read fault on fresh anonymous memory gets a page of its own instead of the
 * shared zero page (mm_forbids_zeropage(), or a kernel booted with pvm_no_zero_page=1), else 0.
 */
export const ZERO_PAGE_PROBE = String.raw`#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static long rss_anon(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "RssAnon:", 8))
			kb = atol(line + 8);
	if (f)
		fclose(f);
	return kb;
}

int main(void)
{
	size_t len = 64 << 12, i;
	volatile char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long before;
	char sink = 0;

	if (p == MAP_FAILED)
		return 2;
	madvise((void *)p, len, MADV_NOHUGEPAGE);
	before = rss_anon();
	for (i = 0; i < len; i += 4096)
		sink += p[i];
	printf("%d\n", rss_anon() - before >= (long)(len >> 10) / 2);
	return sink;
}
`

/** Steps the C program cannot replay, with why (the run reports them and stops before them). */
export function unsupportedReason(step: Step): string | undefined {
  switch (step.method) {
    case 'uffdRegister': {
      const modes = step.args[3] as string[]
      if (modes.includes('rwp')) {
        return "userfaultfd 'rwp' (read/write-protect) is the series tree's mode: no upstream kernel has it"
      }
      return undefined
    }
    case 'uffdProtect':
      return step.args[3] === 'wp'
        ? undefined
        : "userfaultfd 'rwp' (read/write-protect) is the series tree's mode: no upstream kernel has it"
    case 'uffdEvents':
      return undefined
    case 'uffdMove':
      return undefined
    case 'pin':
      return 'a long-term GUP pin needs a driver (vfio, RDMA) or gup_test'
    case 'warn':
      return undefined
    default:
      return REPLAYS[step.method as SimVerb] ? undefined : `${step.method} has no kernel replay`
  }
}

/**
 * Whether the C program replays each simulator verb (the uffd verbs and pin: unsupportedReason()
 * decides by their arguments; queries never reach it, trace.ts leaves them out). A Record over
 * SimVerb: a new verb does not compile until it says.
 */
const REPLAYS: Record<SimVerb, boolean> = {
  spawn: true,
  mmap: true,
  touch: true,
  madvise: true,
  mprotect: true,
  munmap: true,
  mremap: true,
  fork: true,
  exit: true,
  clearRefs: true,
  zswap: true,
  splitFolio: true,
  reclaim: true,
  sleep: true,
  khugepaged: true,
  swapoff: true,
  swapon: true,
  snapshot: true,
  uffdRegister: true,
  uffdProtect: true,
  uffdMove: true,
  uffdEvents: true,
  pin: false,
  cgroupCreate: false,
  cgroupSetMax: false,
  cgroupReclaim: false,
  smaps: false,
  status: false,
  pagemap: false,
  mincore: false,
  vmstat: false,
  meminfo: false,
  cgroupStat: false,
  phase: false,
}

const hex = (n: number): string => `0x${n.toString(16)}UL`

/** The arena address of a model address, as a C expression. */
function at(addr: unknown): string {
  return `HS_AT(${hex(addr as number)})`
}

/** The C program for `trace`, replaying `steps` (a prefix of trace.steps when one is unsupported). */
export function generateTraceProgram(trace: Trace, steps: readonly Step[], seed: number): string {
  const taskOf = (pid: unknown): number => trace.pids.indexOf(pid as number)
  const body: string[] = []
  const pageLists: string[] = []
  steps.forEach((step, n) => {
    body.push(`\t/* step ${n}: ${comment(step.describe)} */`)
    body.push(...stepCode(step, n, taskOf, pageLists).map((l) => '\t' + l))
  })
  const maxTasks = Math.max(1, trace.pids.length)
  return [
    '// SPDX-License-Identifier: GPL-2.0',
    `/* Generated by hugeswap real from ${comment(trace.result.scenario.file)}: see src/cli/real/trace-c.ts. */`,
    PRELUDE,
    `#define HS_STEPS ${Math.max(1, steps.length)}`,
    `#define HS_TASKS ${maxTasks}`,
    `#define HS_SEED ${seed >>> 0}U`,
    `#define HS_ARENA ${hex(ARENA_BASE)}`,
    `#define HS_SIM_BASE ${hex(MMAP_BASE)}`,
    ...(steps.some((s) => s.method.startsWith('uffd')) ? ['#define HS_UFFD 1'] : []),
    RUNTIME,
    ...pageLists,
    'int main(void)',
    '{',
    '\tint me = -1; /* -1: the coordinator; else the task index */',
    '\tpid_t pid;',
    '\tchar *p;',
    '\tint err;',
    '',
    '\tif (getenv("HS_PRIME_RA"))',
    '\t\treturn hs_prime_ra(getenv("HS_PRIME_RA"));',
    '\ths_init();',
    '\ths_observe(-1, -1, 0);',
    ...body,
    '\t/* Tasks keep their mm until the last step has been observed. */',
    '\tif (me >= 0) {',
    '\t\ths_begin(HS_STEPS);',
    '\t\t_exit(0);',
    '\t}',
    '\ths_finish();',
    '\t(void)pid; (void)p; (void)err;',
    '\treturn 0;',
    '}',
    '',
  ].join('\n')
}

function stepCode(
  step: Step,
  n: number,
  taskOf: (pid: unknown) => number,
  pageLists: string[],
): string[] {
  const [a0, a1, a2, a3] = step.args
  const t = step.task
  /** A task step: the task runs `op` (which sets err), the coordinator observes. */
  const task = (op: string[]): string[] => [
    `if (me == ${t}) {`,
    `\ths_begin(${n});`,
    '\terr = 0;',
    ...op.map((l) => '\t' + l),
    `\ths_end(${n}, err);`,
    '}',
    `if (me == -1)`,
    `\ths_observe(${n}, ${t}, 0);`,
  ]
  /** A kernel step: the coordinator runs `op` and observes. */
  const kernel = (op: string[]): string[] => [
    'if (me == -1) {',
    `\ths_begin(${n});`,
    '\terr = 0;',
    ...op.map((l) => '\t' + l),
    `\ths_end(${n}, err);`,
    `\ths_observe(${n}, -1, 0);`,
    '}',
  ]
  const sys = (call: string): string => `if (${call}) err = errno;`
  switch (step.method) {
    case 'spawn': {
      const child = step.tasks - 1
      return [
        'if (me == -1) {',
        `\ths_begin(${n});`,
        '\tpid = fork();',
        '\tif (pid == 0) {',
        `\t\tme = ${child};`,
        '\t\tprctl(PR_SET_PDEATHSIG, SIGKILL);',
        '\t\ths_task_start(me);',
        '\t} else {',
        '\t\terr = pid < 0 ? errno : 0;',
        `\t\ths_started(${child}, pid);`,
        `\t\ths_end(${n}, err);`,
        `\t\ths_observe(${n}, -1, 0);`,
        '\t}',
        '}',
      ]
    }
    case 'fork': {
      const child = step.tasks - 1
      return [
        `if (me == ${t}) {`,
        `\ths_begin(${n});`,
        '\tpid = fork();',
        '\tif (pid == 0) {',
        `\t\tme = ${child};`,
        '\t\ths_task_start(me);',
        '\t} else {',
        '\t\terr = pid < 0 ? errno : 0;',
        `\t\ths_started(${child}, pid);`,
        `\t\ths_end(${n}, err);`,
        '\t}',
        '}',
        'if (me == -1)',
        `\ths_observe(${n}, ${t}, 0);`,
      ]
    }
    case 'exit':
      return [
        `if (me == ${t}) {`,
        `\ths_begin(${n});`,
        `\ths_exiting(${t});`,
        `\ths_end(${n}, 0);`,
        '\t_exit(0);',
        '}',
        'if (me == -1)',
        `\ths_observe(${n}, ${t}, 1);`,
      ]
    case 'mmap': {
      const len = a1 as number
      const lines = [
        `p = mmap(${at(step.result)}, ${hex(len)}, PROT_READ | PROT_WRITE,`,
        '\t MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);',
        `if (p != ${at(step.result)}) err = p == MAP_FAILED ? errno : EEXIST;`,
      ]
      if (a2) lines.push(`else ${sys(`madvise(p, ${hex(len)}, ${MADVICE[a2 as string]})`)}`)
      return task(lines)
    }
    case 'touch': {
      const len = a2 as number
      const write = ((a3 ?? {}) as { write?: boolean }).write ? 1 : 0
      if (!step.pages) return task([`hs_touch_range(${at(a1)}, ${len / PAGE}, ${write});`])
      const name = `hs_pages_${n}`
      pageLists.push(
        `static const unsigned int ${name}[] = {${chunk(step.pages.map(String), 16)}};`,
      )
      return task([
        `hs_touch_pages(${at(a1)}, ${name}, sizeof(${name}) / sizeof(${name}[0]), ${write});`,
      ])
    }
    case 'madvise':
      return task([sys(`madvise(${at(a1)}, ${hex(a2 as number)}, ${MADVICE[a3 as string]})`)])
    case 'mprotect':
      return task([sys(`mprotect(${at(a1)}, ${hex(a2 as number)}, ${PROT[a3 as string]})`)])
    case 'munmap':
      return task([sys(`munmap(${at(a1)}, ${hex(a2 as number)})`)])
    case 'mremap': {
      const len = hex(a2 as number)
      return task([
        `p = mremap(${at(a1)}, ${len}, ${len}, MREMAP_MAYMOVE | MREMAP_FIXED, ${at(step.result)});`,
        `if (p != ${at(step.result)}) err = errno;`,
      ])
    }
    case 'uffdRegister': {
      const modes = (a3 as string[]).map((m) => `UFFDIO_REGISTER_MODE_${m.toUpperCase()}`)
      return task([
        `err = hs_uffd_register(${at(a1)}, ${hex(a2 as number)}, ${modes.join(' | ')});`,
      ])
    }
    case 'uffdProtect':
      return task([
        `err = hs_uffd_protect(${at(a1)}, ${hex(a2 as number)}, ${step.args[4] === false ? 0 : 1});`,
      ])
    case 'uffdEvents':
      // The monitor thread resolved every event as it came and counted it: the step takes the
      // count (the coordinator prints it), which changes nothing in the kernel.
      return task([
        `hs->events[${n}] = 1 + __atomic_exchange_n(&hs->uffd_events[me], 0, __ATOMIC_ACQUIRE);`,
      ])
    case 'uffdMove':
      return task([`err = hs_uffd_move(${at(a1)}, ${at(a2)}, ${hex(a3 as number)});`])
    case 'clearRefs':
      return task([`err = -hs_write_file("/proc/self/clear_refs", "${String(a1)}");`])
    case 'zswap':
      return kernel([
        `err = -hs_write_file("/sys/module/zswap/parameters/enabled", "${a0 ? 'Y' : 'N'}");`,
      ])
    case 'splitFolio':
      return kernel([`err = hs_split_folio(${taskOf(a0)}, ${at(a1)});`])
    case 'reclaim':
      return kernel([`err = hs_reclaim(${a0 as number}ULL);`])
    case 'sleep':
      return kernel([`usleep(${Math.round((a0 as number) * 1000)});`])
    case 'khugepaged':
      return kernel([`err = hs_khugepaged(${(a0 as number | undefined) ?? 1});`])
    case 'swapoff':
      return kernel([`err = hs_swap(${(a0 as number | undefined) ?? 0}, 0);`])
    case 'swapon':
      return kernel([`err = hs_swap(${(a0 as number | undefined) ?? 0}, 1);`])
    case 'snapshot':
      return kernel([])
    default:
      throw new Error(`trace-c: ${step.method} cannot be replayed`)
  }
}

function chunk(items: string[], per: number): string {
  const lines: string[] = []
  for (let i = 0; i < items.length; i += per) lines.push('\t' + items.slice(i, i + per).join(', '))
  return `\n${lines.join(',\n')}\n`
}

/** Text safe inside a C block comment. */
function comment(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').replace(/\*\//g, '* /')
}

const PRELUDE = String.raw`#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/swap.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <sched.h>
#include <poll.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <linux/userfaultfd.h>
#ifndef UFFDIO_MOVE
/* Headers older than 6.8 (Debian 12's): the ABI of include/uapi/linux/userfaultfd.h. */
struct uffdio_move {
	__u64 dst;
	__u64 src;
	__u64 len;
	__u64 mode;
	__s64 move;
};
#define UFFDIO_MOVE _IOWR(UFFDIO, 0x05, struct uffdio_move)
#endif

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif
#ifndef MADV_COLD
#define MADV_COLD 20
#endif
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif`

const RUNTIME = String.raw`
#define HS_AT(sim) ((char *)(HS_ARENA + ((unsigned long)(sim) - HS_SIM_BASE)))
#define HS_SIM(real) ((unsigned long)(real) - HS_ARENA + HS_SIM_BASE)
#define HS_ARENA_END (HS_ARENA + (1UL << 39))
#define HS_PAGE 4096UL

/* The page the coordinator and the tasks share. */
struct hs_shared {
	pid_t coordinator;
	pid_t sentinel;
	int go;				/* the step that may run now */
	int done;			/* the last step whose operation finished */
	int ready;			/* a new task has warmed up */
	long long ns[HS_STEPS];		/* each step's wall time */
	int err[HS_STEPS];		/* each step's errno (0: it worked) */
	int events[HS_STEPS];		/* uffdEvents steps: 1 + the events the task's monitor took */
	int uffd_events[HS_TASKS];	/* events each task's monitor resolved since the last read */
	pid_t pid[HS_TASKS];
	int alive[HS_TASKS];
};
static struct hs_shared *hs;
static long long hs_t0;

static long long hs_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static char hs_file[1 << 20];

/* Reads a whole file into hs_file; its length, or -1. */
static long hs_read(const char *path)
{
	int fd = open(path, O_RDONLY);
	long n = 0, r;

	if (fd < 0)
		return -1;
	while (n < (long)sizeof(hs_file) - 1 &&
	       (r = read(fd, hs_file + n, sizeof(hs_file) - 1 - n)) > 0)
		n += r;
	close(fd);
	hs_file[n] = 0;
	return n;
}

static void hs_die(const char *what)
{
	fprintf(stderr, "hugeswap real: %s: %s\n", what, strerror(errno));
	exit(3);
}

static int hs_write_file(const char *path, const char *text);
static char *hs_drain_area;
static int hs_drain_all(void);
static void hs_drain_area_init(void);
static void hs_sentinel(void);
static void hs_khugepaged_settle(void);
static long long hs_khugepaged_field(pid_t pid, const char *name, char *state);

static void hs_init(void)
{
	cpu_set_t one;

	hs = mmap(NULL, sizeof(*hs), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (hs == MAP_FAILED)
		hs_die("mmap of the shared page");
	hs->coordinator = getpid();
	hs->go = 0;
	hs->done = -2;
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	/*
	 * Every task on one CPU: the folios a task just faulted in sit in that CPU's LRU batch,
	 * and MADV_PAGEOUT drains only its own CPU's (lru_add_drain()), so a task that moved would
	 * leave some behind. The model has no per-CPU batches.
	 */
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu() < 0 ? 0 : sched_getcpu(), &one);
	if (sched_setaffinity(0, sizeof(one), &one))
		hs_die("sched_setaffinity");
	hs_sentinel();
	hs_khugepaged_settle();
	if (!hs_drain_all())
		hs_drain_area_init();
}

/*
 * Every CPU's LRU batches drained (lru_add_drain_all()), from user space and without side
 * effects: migrate_pages() of this process from node 0 to node 0 drains them all
 * (do_migrate_pages() -> lru_cache_disable()) and moves nothing. Returns 0 where it cannot
 * (a kernel without CONFIG_NUMA).
 */
static int hs_drain_all(void)
{
	unsigned long node0 = 1;

	if (syscall(SYS_migrate_pages, 0, 8 * sizeof(node0), &node0, &node0) == 0)
		return 1;
	if (!hs_drain_area)
		return 0;
	/* madvise_collapse() calls lru_add_drain_all() first; the range holds no whole PMD. */
	madvise(hs_drain_area, HS_PAGE, MADV_COLLAPSE);
	return 1;
}

/*
 * Without CONFIG_NUMA: MADV_COLLAPSE of a range holding no whole PMD drains every CPU and
 * collapses nothing. thp_vma_allowable_order() refuses a VMA without an anon_vma, so one page
 * is touched and dropped: the last one when the VMA's end is not PMD-aligned (else the first),
 * which lies in no whole PMD, so the touch is a 4 KB fault even with THP always.
 */
static void hs_drain_area_init(void)
{
	const unsigned long len = (4UL << 20) + HS_PAGE;
	char *area = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *touch;

	if (area == MAP_FAILED)
		return;
	madvise(area, len, MADV_DONTFORK);
	touch = ((unsigned long)(area + len) & ((2UL << 20) - 1)) ? area + len - HS_PAGE : area;
	*(volatile char *)touch = 1;
	madvise(touch, HS_PAGE, MADV_DONTNEED);
	hs_drain_area = area;
}

/*
 * Waits for its turn: the shared step counter reaches n. Tasks only read while they wait (no
 * fault), and leave if the coordinator is gone.
 */
static void hs_begin(int n)
{
	unsigned long spins = 0;

	while (__atomic_load_n(&hs->go, __ATOMIC_ACQUIRE) != n) {
		usleep(20);
		if (++spins % 4096 == 0 && kill(hs->coordinator, 0) && errno == ESRCH)
			_exit(3);
	}
	hs_t0 = hs_now();
}

static void hs_end(int n, int err)
{
	hs->ns[n] = hs_now() - hs_t0;
	hs->err[n] = err;
	__atomic_store_n(&hs->done, n, __ATOMIC_RELEASE);
}

/*
 * After a fork both processes fault on their first write to each page of their stack and data
 * (copy-on-write), and the child on its first touch of each page of its code, libraries and
 * vDSO (fork copies no page tables for those). Done here, inside the fork or spawn step, with
 * MADV_POPULATE_WRITE / _READ on every mapping outside the arena, so that no later step counts
 * a fault of the C runtime's own.
 */
static void hs_warm(void)
{
	char *line, *next;
	volatile char stack[32768];
	size_t i;

	for (i = 0; i < sizeof(stack); i += 1024)
		stack[i] = 0;
	*(volatile long long *)&hs_t0 = hs_t0;
	(void)hs_now();
	if (hs_read("/proc/self/maps") <= 0)
		return;
	for (line = hs_file; line && *line; line = next) {
		unsigned long start, end;
		char perms[8];

		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		if (sscanf(line, "%lx-%lx %7s", &start, &end, perms) != 3 || perms[0] != 'r')
			continue;
		if ((start >= HS_ARENA && end <= HS_ARENA_END) || strstr(line, "[vsyscall]") ||
		    strstr(line, "[vvar") || (char *)start == hs_drain_area)
			continue;
		madvise((void *)start, end - start,
			perms[1] == 'w' && perms[3] == 'p' ? MADV_POPULATE_WRITE : MADV_POPULATE_READ);
	}
}

/* A new task, in the child: warm up, then tell the parent. */
#ifdef HS_UFFD
/*
 * userfaultfd, as the model's monitor does it: every task has its own uffd and a monitor thread
 * that resolves each write-protect fault by unprotecting the faulting page (UFFDIO_WRITEPROTECT
 * without MODE_WP, which wakes the fault), and each missing-page fault by copying a zero-filled
 * page in (UFFDIO_COPY, as the selftests' monitor does). Both are made at the task's start, before it warms
 * up, so the thread's stack is populated and no later step counts a fault of it. A forked child
 * gets its own: the parent's thread does not survive fork().
 */
static int hs_uffd = -1;
/* In .bss, which every task populates before its first step (hs_warm()). */
static char hs_uffd_zero[HS_PAGE] __attribute__((aligned(4096)));

static void *hs_uffd_monitor(void *arg)
{
	int me = (int)(long)arg;
	int fd = hs_uffd;
	struct uffd_msg msg;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	for (;;) {
		if (poll(&pfd, 1, -1) <= 0 || read(fd, &msg, sizeof(msg)) != sizeof(msg))
			continue;
		if (msg.event != UFFD_EVENT_PAGEFAULT)
			continue;
		/* Counted before the answer wakes the fault: a later step reads it. */
		__atomic_add_fetch(&hs->uffd_events[me], 1, __ATOMIC_RELEASE);
		if (msg.arg.pagefault.flags & UFFD_PAGEFAULT_FLAG_WP) {
			struct uffdio_writeprotect wp = {
				.range = { .start = msg.arg.pagefault.address & ~(HS_PAGE - 1),
					   .len = HS_PAGE },
				.mode = 0,
			};

			ioctl(fd, UFFDIO_WRITEPROTECT, &wp);
		} else {
			/* A missing page: one zero-filled page copied in, which wakes the fault. */
			struct uffdio_copy copy = {
				.dst = msg.arg.pagefault.address & ~(HS_PAGE - 1),
				.src = (unsigned long)hs_uffd_zero,
				.len = HS_PAGE,
				.mode = 0,
			};

			ioctl(fd, UFFDIO_COPY, &copy);
		}
	}
	return NULL;
}

static void hs_uffd_start(int me)
{
	struct uffdio_api api = { .api = UFFD_API, .features = UFFD_FEATURE_PAGEFAULT_FLAG_WP };
	/*
	 * The thread's stack is ours, small and never a THP: a kernel without c4608d1bf7c6
	 * ("mm: mmap: map MAP_STACK to VM_NOHUGEPAGE"), such as 6.1, gives glibc's 8 MB thread
	 * stack THPs when it is warmed up.
	 */
	size_t size = 256 << 10;
	void *stack = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	pthread_attr_t attr;
	pthread_t thread;

	hs_uffd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (hs_uffd < 0 || ioctl(hs_uffd, UFFDIO_API, &api) || stack == MAP_FAILED) {
		hs_uffd = -1;
		return;
	}
	madvise(stack, size, MADV_NOHUGEPAGE);
	pthread_attr_init(&attr);
	pthread_attr_setstack(&attr, stack, size);
	if (pthread_create(&thread, &attr, hs_uffd_monitor, (void *)(long)me))
		hs_uffd = -1;
	pthread_attr_destroy(&attr);
}

static int __attribute__((unused)) hs_uffd_register(char *addr, unsigned long len, int mode)
{
	struct uffdio_register reg = {
		.range = { .start = (unsigned long)addr, .len = len },
		.mode = mode,
	};

	if (hs_uffd < 0)
		return ENOSYS;
	return ioctl(hs_uffd, UFFDIO_REGISTER, &reg) ? errno : 0;
}

/*
 * UFFDIO_MOVE (6.8): the pages of [src, src + len) to dst, registered with this uffd, without
 * copying. A short move (EAGAIN, EBUSY, ...) is an error: the model moves all or fails.
 */
static int __attribute__((unused)) hs_uffd_move(char *dst, char *src, unsigned long len)
{
	struct uffdio_move move = {
		.dst = (unsigned long)dst,
		.src = (unsigned long)src,
		.len = len,
		.mode = 0,
	};

	if (hs_uffd < 0)
		return ENOSYS;
	if (ioctl(hs_uffd, UFFDIO_MOVE, &move))
		return errno;
	return move.move == (long long)len ? 0 : EAGAIN;
}

static int __attribute__((unused)) hs_uffd_protect(char *addr, unsigned long len, int protect)
{
	struct uffdio_writeprotect wp = {
		.range = { .start = (unsigned long)addr, .len = len },
		.mode = protect ? UFFDIO_WRITEPROTECT_MODE_WP : 0,
	};

	if (hs_uffd < 0)
		return ENOSYS;
	return ioctl(hs_uffd, UFFDIO_WRITEPROTECT, &wp) ? errno : 0;
}
#endif

static void hs_task_start(int me)
{
#ifdef HS_UFFD
	hs_uffd_start(me);
#endif
	hs_warm();
	__atomic_store_n(&hs->ready, 1, __ATOMIC_RELEASE);
}

/* In the parent of a new task: record it, warm up, wait for the child to have done the same. */
static void hs_started(int task, pid_t pid)
{
	hs->pid[task] = pid;
	hs->alive[task] = pid > 0;
	hs_warm();
	while (pid > 0 && !__atomic_load_n(&hs->ready, __ATOMIC_ACQUIRE))
		usleep(20);
	hs->ready = 0;
}

static void __attribute__((unused)) hs_exiting(int task)
{
	__atomic_store_n(&hs->alive[task], 0, __ATOMIC_RELEASE);
}

/* ---- observation (the coordinator only) ---- */

static long long hs_field(const char *text, const char *name)
{
	const char *at = text;
	size_t len = strlen(name);

	while ((at = strstr(at, name)) != NULL) {
		if ((at == text || at[-1] == '\n') && at[len] == ':')
			return atoll(at + len + 1);
		at += len;
	}
	return 0;
}

/* State letter of a process from /proc/PID/stat ('?' when it is gone). */
static char hs_state(pid_t pid, long long *minflt, long long *majflt)
{
	char path[64];
	char *close_paren;
	char state = '?';
	long long v[10];

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (hs_read(path) < 0)
		return '?';
	close_paren = strrchr(hs_file, ')');
	if (!close_paren)
		return '?';
	/* state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt */
	if (sscanf(close_paren + 2, "%c %lld %lld %lld %lld %lld %lld %lld %lld %lld", &state,
		   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8]) == 10) {
		if (minflt)
			*minflt = v[6];
		if (majflt)
			*majflt = v[8];
	}
	return state;
}

/*
 * Until no writeback is in flight (nr_writeback 0), at most 10 s; then every CPU's LRU batches
 * are drained (hs_drain_all()). folio_end_writeback() of a folio reclaim wrote puts it in the
 * lru_move_tail batch of the CPU that completed the I/O (folio_rotate_reclaimable()), which holds
 * a reference, and MADV_PAGEOUT, which drains only its own CPU (lru_add_drain()), cannot free it:
 * __remove_mapping() meets the batch's reference. The model has no per-CPU batches. Found on
 * 6.18: the last 14-27 of 256 folios written to a loop device stayed in the swap cache at the
 * next MADV_PAGEOUT when the task ran on CPU 0 and the disk's interrupt on CPU 1, never when both
 * were on CPU 1, and never once the batches were drained.
 *
 * nr_writeback is read after stat_refresh: the writes are counted on this CPU and their ends on
 * the one taking the disk's interrupts, each in a per-CPU delta folded at a threshold, so the
 * unfolded global can read 0 while folios are still under I/O.
 */
static void hs_settle_io(void)
{
	/* 10 s of wall time, however long each look takes (stat_refresh is slow in a TCG guest). */
	long long deadline = hs_now() + 10000000000LL;

	while (hs_now() < deadline) {
		const char *at;

		hs_write_file("/proc/sys/vm/stat_refresh", "1");
		if (hs_read("/proc/vmstat") <= 0)
			break;
		at = strstr(hs_file, "\nnr_writeback ");
		if (!at || atoll(at + 14) == 0)
			break;
		usleep(100);
	}
	hs_drain_all();
}

/*
 * The kernel's system-wide swap readahead state, used while a rotational device is swapped on
 * (swap_cluster_readahead()), is brought to the model's start (mm/swap_state.c: no
 * swapin_readahead_hits pending, last_readahead_pages 1, prev_offset 1) on the priming device
 * dev, a fresh rotational swap device swapped on alone. HS_PRIME_PAGES pages are swapped out to
 * offsets 1.. and dropped from the swap cache, then read at offsets 65, 129, ..., 385, each
 * outside every earlier window (at most 32 pages, aligned) so that nothing is a readahead hit
 * and each window is half the last (at most 32, 16, ..., 1), then at offset 1. Whatever an
 * earlier run left behind is gone.
 */
#define HS_PRIME_PAGES 386
static int hs_prime_ra(const char *dev)
{
	char *p;
	int i, err = 0;

	if (swapon(dev, SWAP_FLAG_PREFER | (32767 & SWAP_FLAG_PRIO_MASK)))
		return fprintf(stderr, "swapon %s: %s\n", dev, strerror(errno)), 1;
	p = mmap(NULL, HS_PRIME_PAGES * HS_PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED || madvise(p, HS_PRIME_PAGES * HS_PAGE, MADV_NOHUGEPAGE))
		err = 1;
	for (i = 0; !err && i < HS_PRIME_PAGES; i++)
		*(volatile long *)(p + i * HS_PAGE) = i + 1;
	/*
	 * Written out, then read back from the swap cache (a block device's folios stay there once
	 * written) and paged out again: clean, they are freed, and every page is on the device only.
	 */
	if (!err && madvise(p, HS_PRIME_PAGES * HS_PAGE, MADV_PAGEOUT))
		err = 1;
	hs_settle_io();
	for (i = 0; !err && i < HS_PRIME_PAGES; i++)
		err |= *(volatile long *)(p + i * HS_PAGE) != i + 1;
	if (!err && madvise(p, HS_PRIME_PAGES * HS_PAGE, MADV_PAGEOUT))
		err = 1;
	if (!err) {
		hs_settle_io();
		for (i = 64; i < HS_PRIME_PAGES; i += 64)
			err |= *(volatile long *)(p + i * HS_PAGE) != i + 1;
		err |= *(volatile long *)p != 1;
		if (err)
			fprintf(stderr, "priming: a page read back wrong\n");
	} else {
		fprintf(stderr, "priming: %s\n", strerror(errno));
	}
	if (p != MAP_FAILED)
		munmap(p, HS_PRIME_PAGES * HS_PAGE);
	if (swapoff(dev))
		return fprintf(stderr, "swapoff %s: %s\n", dev, strerror(errno)), 1;
	return err;
}

static void hs_reap(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

/* Until the task's mm is gone: it is a zombie, or reaped. */
static void hs_wait_gone(pid_t pid)
{
	int i;

	for (i = 0; i < 600000; i++) {
		char s = hs_state(pid, NULL, NULL);

		if (s == 'Z' || s == 'X' || s == '?')
			return;
		hs_reap();
		usleep(50);
	}
}

static void hs_smaps(int step, int task, pid_t pid)
{
	char path[64];
	char *line, *next;
	unsigned long start = 0, end = 0;
	long long rss = 0, huge = 0, swap = 0;
	int in = 0;

	snprintf(path, sizeof(path), "/proc/%d/smaps", (int)pid);
	if (hs_read(path) < 0)
		return;
	for (line = hs_file; line && *line; line = next) {
		unsigned long s, e;

		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		if (sscanf(line, "%lx-%lx ", &s, &e) == 2) {
			if (in)
				printf("M %d %d %lu %lu %lld %lld %lld\n", step, task, HS_SIM(start),
				       HS_SIM(end), rss, huge, swap);
			in = s >= HS_ARENA && e <= HS_ARENA_END;
			start = s;
			end = e;
			rss = huge = swap = 0;
		} else if (in && !strncmp(line, "Rss:", 4)) {
			rss = atoll(line + 4);
		} else if (in && !strncmp(line, "AnonHugePages:", 14)) {
			huge = atoll(line + 14);
		} else if (in && !strncmp(line, "Swap:", 5)) {
			swap = atoll(line + 5);
		}
	}
	if (in)
		printf("M %d %d %lu %lu %lld %lld %lld\n", step, task, HS_SIM(start), HS_SIM(end), rss,
		       huge, swap);
}

/*
 * After step n (by task, -1 the kernel): waits until its operation finished, then prints it and
 * what /proc shows, and lets the next step go. exited: the task left; wait for its mm to go.
 */
static void hs_observe(int n, int task, int exited)
{
	char *line, *next;
	int i;

	if (n >= 0) {
		while (__atomic_load_n(&hs->done, __ATOMIC_ACQUIRE) != n) {
			/*
			 * A zombie that is still alive[] died on its own. alive[] is read again after
			 * the state: an exit step clears it before its _exit(), so a task seen alive,
			 * then exiting as asked between the two reads, is not taken for dead.
			 */
			for (i = 0; i < HS_TASKS; i++)
				if (__atomic_load_n(&hs->alive[i], __ATOMIC_ACQUIRE) &&
				    hs_state(hs->pid[i], NULL, NULL) == 'Z' &&
				    __atomic_load_n(&hs->alive[i], __ATOMIC_ACQUIRE)) {
					printf("X %d task t%d died\n", n, i);
					fflush(stdout);
					exit(3);
				}
			usleep(20);
		}
		if (exited)
			hs_wait_gone(hs->pid[task]);
		hs_settle_io();
		printf("O %d %d %lld %d\n", n, task, hs->ns[n], hs->err[n]);
		if (hs->events[n])
			printf("U %d %d\n", n, hs->events[n] - 1);
	}
	{
		const char *env = getenv("HS_KHUGEPAGED_PID");

		if (env)
			printf("K %d %lld\n", n,
			       hs_khugepaged_field(atoi(env), "voluntary_ctxt_switches", NULL));
	}
	/*
	 * The nr_* counters gather in per-CPU deltas until a threshold (24 pages and more): fold
	 * them first, or nr_swapcached reads 24 short.
	 */
	hs_write_file("/proc/sys/vm/stat_refresh", "1");
	if (hs_read("/proc/vmstat") > 0) {
		for (line = hs_file; line && *line; line = next) {
			next = strchr(line, '\n');
			if (next)
				*next++ = 0;
			printf("V %d %s\n", n, line);
		}
	}
	for (i = 0; i < HS_TASKS; i++) {
		char path[64];
		long long minflt = 0, majflt = 0;

		if (!hs->alive[i])
			continue;
		hs_state(hs->pid[i], &minflt, &majflt);
		long long pte, swap, anon;

		snprintf(path, sizeof(path), "/proc/%d/status", (int)hs->pid[i]);
		if (hs_read(path) < 0)
			continue;
		pte = hs_field(hs_file, "VmPTE");
		swap = hs_field(hs_file, "VmSwap");
		anon = hs_field(hs_file, "RssAnon");
		/*
		 * Before 6.2 (f1a7941243c1 "mm: convert mm's rss stats into percpu_counter") each thread
		 * caches its RSS deltas and folds them in every 64 faults: status lags. smaps_rollup
		 * walks the page tables and is exact.
		 */
		snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", (int)hs->pid[i]);
		if (getenv("HS_RSS_ROLLUP") && hs_read(path) > 0) {
			swap = hs_field(hs_file, "Swap");
			anon = hs_field(hs_file, "Anonymous");
		}
		printf("P %d %d %lld %lld %lld %lld %lld\n", n, i, pte, swap, anon, minflt, majflt);
		hs_smaps(n, i, hs->pid[i]);
	}
	fflush(stdout);
	hs_reap();
	__atomic_store_n(&hs->go, n + 1, __ATOMIC_RELEASE);
}

static void hs_finish(void)
{
	int i;

	kill(hs->sentinel, SIGKILL);
	for (i = 0; i < HS_TASKS; i++)
		if (hs->alive[i])
			kill(hs->pid[i], SIGKILL);
	while (wait(NULL) > 0)
		;
	printf("END\n");
	fflush(stdout);
}

/* ---- operations ---- */

/* A written page: its index and seed-dependent words in the first half, zeros in the second. */
static void hs_write_page(char *page)
{
	uint64_t *w = (uint64_t *)page;
	uint64_t x = HS_SIM(page) ^ ((uint64_t)HS_SEED << 32);
	size_t i;

	w[0] = HS_SIM(page) / HS_PAGE;
	for (i = 1; i < HS_PAGE / 16; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		w[i] = x;
	}
	memset(page + HS_PAGE / 2, 0, HS_PAGE / 2);
}

static void hs_touch_page(char *page, int write)
{
	if (write)
		hs_write_page(page);
	else
		(void)*(volatile char *)page;
}

static void hs_touch_range(char *addr, size_t npages, int write)
{
	size_t i;

	for (i = 0; i < npages; i++)
		hs_touch_page(addr + i * HS_PAGE, write);
}

static void __attribute__((unused))
hs_touch_pages(char *addr, const unsigned int *pages, size_t n, int write)
{
	size_t i;

	for (i = 0; i < n; i++)
		hs_touch_page(addr + (size_t)pages[i] * HS_PAGE, write);
}

static int __attribute__((unused)) hs_write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	close(fd);
	return n < 0 ? -errno : 0;
}

/* memory.reclaim of the coordinator's cgroup (cgroup v2 only). */
static int __attribute__((unused)) hs_reclaim(unsigned long long bytes)
{
	char line[512], path[700], amount[32];
	FILE *f = fopen("/proc/self/cgroup", "r");
	int ret = ENOENT;

	if (!f)
		return errno;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "0::", 3))
			continue;
		line[strcspn(line, "\n")] = 0;
		snprintf(path, sizeof(path), "/sys/fs/cgroup%s/memory.reclaim", line + 3);
		snprintf(amount, sizeof(amount), "%llu", bytes);
		ret = -hs_write_file(path, amount);
		break;
	}
	fclose(f);
	return ret == EAGAIN ? 0 : ret;
}

/*
 * khugepaged sleeps through the replay (scan_sleep_millisecs is a day: host.ts), so it scans only
 * when the scenario says. A write of scan_sleep_millisecs wakes it for one pass, after which it
 * sleeps again; a pass is over when the thread has gone back to sleep (its voluntary context
 * switches moved and it is in S). Passes are run until n more full scans are done.
 */
static long long hs_khugepaged_field(pid_t pid, const char *name, char *state)
{
	char path[64];
	const char *at;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (hs_read(path) < 0)
		return -1;
	at = strstr(hs_file, "State:");
	if (state)
		*state = at ? at[7] : '?';
	return hs_field(hs_file, name);
}

/*
 * khugepaged runs a pass at once when its list of mms goes from empty to non-empty
 * (__khugepaged_enter()): the first task to map a THP-eligible VMA would wake it, racing with
 * the task's next steps. A sentinel process keeps the list non-empty for the whole run: a
 * MADV_HUGEPAGE mapping it writes one byte of, then it sleeps until the coordinator is gone.
 */
static void hs_sentinel(void)
{
	pid_t pid = fork();

	if (pid < 0)
		hs_die("fork of the khugepaged sentinel");
	if (pid == 0) {
		void *p = mmap(NULL, 4UL << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			       -1, 0);

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		/* A fault is what puts an mm on the list (khugepaged_enter_vma() at the THP fault). */
		if (p != MAP_FAILED && !madvise(p, 4UL << 20, MADV_HUGEPAGE))
			((char *)p)[2UL << 20] = 1;
		__atomic_store_n(&hs->ready, 1, __ATOMIC_RELEASE);
		for (;;)
			pause();
	}
	hs->sentinel = pid;
	while (!__atomic_load_n(&hs->ready, __ATOMIC_ACQUIRE))
		usleep(20);
	hs->ready = 0;
}

static int __attribute__((unused)) hs_khugepaged(long long n)
{
	const char *dir = "/sys/kernel/mm/transparent_hugepage/khugepaged/";
	char full[256], knob[256], value[32];
	const char *env = getenv("HS_KHUGEPAGED_PID");
	pid_t kpid = env ? atoi(env) : 0;
	long long start, switches, now;
	char state;
	int pass, i;

	if (kpid <= 0)
		return ESRCH;
	snprintf(full, sizeof(full), "%sfull_scans", dir);
	snprintf(knob, sizeof(knob), "%sscan_sleep_millisecs", dir);
	if (hs_read(knob) < 0)
		return errno;
	snprintf(value, sizeof(value), "%lld", atoll(hs_file));
	if (hs_read(full) < 0)
		return errno;
	start = atoll(hs_file);
	for (pass = 0; pass < 10000; pass++) {
		switches = hs_khugepaged_field(kpid, "voluntary_ctxt_switches", NULL);
		hs_write_file(knob, value);
		for (i = 0; i < 1000000; i++) {
			if (hs_khugepaged_field(kpid, "voluntary_ctxt_switches", &state) > switches &&
			    state == 'S')
				break;
			usleep(50);
		}
		if (hs_read(full) < 0)
			return errno;
		now = atoll(hs_file);
		if (now >= start + n)
			return 0;
	}
	return ETIMEDOUT;
}

/*
 * The sentinel's entry may have woken khugepaged (when its list was empty), and the pass may
 * not have started yet. Two passes asked for and waited out (a write of scan_sleep_millisecs
 * wakes it for one) use up any wake-up still pending, so khugepaged sleeps before step 0.
 */
static void hs_khugepaged_settle(void)
{
	const char *env = getenv("HS_KHUGEPAGED_PID");
	const char *knob = "/sys/kernel/mm/transparent_hugepage/khugepaged/scan_sleep_millisecs";
	pid_t kpid = env ? atoi(env) : 0;
	char value[32], state = '?';
	int pass, i;

	if (kpid <= 0 || hs_read(knob) < 0)
		return;
	snprintf(value, sizeof(value), "%lld", atoll(hs_file));
	for (pass = 0; pass < 2; pass++) {
		long long before = hs_khugepaged_field(kpid, "voluntary_ctxt_switches", NULL);

		hs_write_file(knob, value);
		for (i = 0; i < 200000; i++) {
			if (hs_khugepaged_field(kpid, "voluntary_ctxt_switches", &state) > before &&
			    state == 'S')
				break;
			usleep(50);
		}
	}
}

/* swapoff/swapon of the scenario's swap device i: its path is in HS_SWAP<i>. */
static int __attribute__((unused)) hs_swap(int i, int on)
{
	char name[32], prio_name[32];
	const char *dev, *prio;

	snprintf(name, sizeof(name), "HS_SWAP%d", i);
	snprintf(prio_name, sizeof(prio_name), "HS_SWAP%d_PRIO", i);
	dev = getenv(name);
	prio = getenv(prio_name);
	if (!dev)
		return ENODEV;
	if (on)
		return swapon(dev, prio ? SWAP_FLAG_PREFER | (atoi(prio) & SWAP_FLAG_PRIO_MASK) : 0) ? errno : 0;
	return swapoff(dev) ? errno : 0;
}

/* debugfs split_huge_pages of the folio behind addr in task t. */
static int __attribute__((unused)) hs_split_folio(int t, char *addr)
{
	char text[128];

	snprintf(text, sizeof(text), "%d,0x%lx,0x%lx", (int)hs->pid[t], (unsigned long)addr,
		 (unsigned long)addr + HS_PAGE);
	return -hs_write_file("/sys/kernel/debug/split_huge_pages", text);
}
`
