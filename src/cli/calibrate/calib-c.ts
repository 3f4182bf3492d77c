/**
 * The measuring side of `hugeswap calibrate`: one C program that times, on the running kernel,
 * the operations the model's cost figures stand for. Each run does one measurement, given on
 * the command line, and prints one line per timed operation:
 *
 *   S <ns>          one operation's wall time (CLOCK_MONOTONIC around the call or the access)
 *   I <key> <value> what the run saw (THPs the kernel really gave, faults taken, ...)
 *   E <message>     the measurement could not be made
 *
 * Measurements (N operations each):
 *   fault4k N           first write to each 4 KB page of N (MADV_NOHUGEPAGE)
 *   faultthp N          first write to each of N 2 MB-aligned extents (MADV_HUGEPAGE)
 *   pageout4k N C       MADV_PAGEOUT of one 4 KB page, N times (pages written with contents C)
 *   pageoutthp N C      MADV_PAGEOUT of one PMD-mapped THP, N times
 *   swapin N C          N pages written, paged out, read back, paged out again (so that an
 *                       asynchronous device's folios, clean in the swap cache by then, are
 *                       freed), then read back one by one in address order: one sample per
 *                       page, major faults and readahead hits among them
 *   munmap4k N          munmap of one populated 4 KB page from a VMA's start, N times
 *   munmapthp N         munmap of one PMD-mapped THP, N times
 * Contents C: 'compressible' (each page: its index and seeded words in the first half, zeros in
 * the second, about 2:1 for zram's compressors, as `hugeswap real` writes) or 'incompressible'
 * (xorshift64 words throughout).
 */
export const CALIBRATE_PROGRAM = String.raw`#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

#define PAGE 4096UL
#define HPAGE (2UL << 20)

static uint64_t seed = 0x9e3779b97f4a7c15ULL;

static uint64_t xorshift(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return seed;
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void fill(char *page, unsigned long index, int incompressible)
{
	uint64_t *w = (uint64_t *)page;
	unsigned long i, words = PAGE / 8;

	if (incompressible) {
		for (i = 0; i < words; i++)
			w[i] = xorshift();
		return;
	}
	w[0] = index;
	for (i = 1; i < words / 2; i++)
		w[i] = (xorshift() & 0xffff) * 0x0001000100010001ULL;
	memset(page + PAGE / 2, 0, PAGE / 2);
}

/* A mapping of len bytes whose start is 2 MB aligned. */
static char *map_aligned(size_t len)
{
	char *p = mmap(NULL, len + HPAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *a;

	if (p == MAP_FAILED)
		return NULL;
	a = (char *)(((uintptr_t)p + HPAGE - 1) & ~(HPAGE - 1));
	if (a > p)
		munmap(p, a - p);
	munmap(a + len, (p + len + HPAGE) - (a + len));
	return a;
}

static long long field(const char *path, const char *name)
{
	static char buf[1 << 16];
	int fd = open(path, O_RDONLY);
	ssize_t n;
	char *at;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	at = strstr(buf, name);
	return at ? atoll(at + strlen(name)) : -1;
}

static long long vmstat(const char *name)
{
	char key[64];

	snprintf(key, sizeof(key), "\n%s ", name);
	return field("/proc/vmstat", key);
}

/* Writeback done: nr_writeback back to 0 (MADV_PAGEOUT to a block device returns before). */
static void settle(void)
{
	int i;

	for (i = 0; i < 10000 && vmstat("nr_writeback") > 0; i++)
		usleep(1000);
}

static long long anon_huge_kb(void)
{
	return field("/proc/self/smaps_rollup", "AnonHugePages:");
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";
	unsigned long n = argc > 2 ? strtoul(argv[2], NULL, 10) : 0, i;
	int incompressible = argc > 3 && !strcmp(argv[3], "incompressible");
	cpu_set_t cpus;
	long long t;
	char *p;

	/* One CPU: MADV_PAGEOUT drains only its own CPU's LRU batch. */
	CPU_ZERO(&cpus);
	CPU_SET(sched_getcpu(), &cpus);
	sched_setaffinity(0, sizeof(cpus), &cpus);
	if (!n) {
		printf("E usage: calibrate WHAT N [compressible|incompressible]\n");
		return 2;
	}
	if (!strcmp(what, "fault4k") || !strcmp(what, "pageout4k") || !strcmp(what, "swapin") ||
	    !strcmp(what, "munmap4k")) {
		p = map_aligned(n * PAGE);
		if (!p || madvise(p, n * PAGE, MADV_NOHUGEPAGE)) {
			printf("E mmap: %s\n", strerror(errno));
			return 1;
		}
		if (!strcmp(what, "fault4k")) {
			for (i = 0; i < n; i++) {
				t = now_ns();
				p[i * PAGE] = 1;
				printf("S %lld\n", now_ns() - t);
			}
			return 0;
		}
		for (i = 0; i < n; i++)
			fill(p + i * PAGE, i, incompressible);
		if (!strcmp(what, "pageout4k")) {
			long long before = vmstat("pswpout");

			for (i = 0; i < n; i++) {
				t = now_ns();
				madvise(p + i * PAGE, PAGE, MADV_PAGEOUT);
				printf("S %lld\n", now_ns() - t);
			}
			settle();
			printf("I pswpout %lld\n", vmstat("pswpout") - before);
			return 0;
		}
		if (!strcmp(what, "swapin")) {
			long long major, ra, hit, in;
			volatile char sink = 0;

			/*
			 * Out, back in (from the swap cache, or from zram), out again: a block device's
			 * folios are then freed without I/O (clean, in the swap cache), zram's written
			 * again, and the timed reads below all go to the device.
			 */
			madvise(p, n * PAGE, MADV_PAGEOUT);
			settle();
			for (i = 0; i < n; i++)
				sink += p[i * PAGE + 8];
			madvise(p, n * PAGE, MADV_PAGEOUT);
			settle();
			major = vmstat("pgmajfault");
			ra = vmstat("swap_ra");
			hit = vmstat("swap_ra_hit");
			in = vmstat("pswpin");
			for (i = 0; i < n; i++) {
				t = now_ns();
				sink += p[i * PAGE + 8];
				printf("S %lld\n", now_ns() - t);
			}
			printf("I pgmajfault %lld\nI swap_ra %lld\nI swap_ra_hit %lld\nI pswpin %lld\n",
			       vmstat("pgmajfault") - major, vmstat("swap_ra") - ra,
			       vmstat("swap_ra_hit") - hit, vmstat("pswpin") - in);
			return sink == 127;
		}
		/* munmap4k: from the VMA's start, so no call splits it. */
		for (i = 0; i < n; i++) {
			t = now_ns();
			munmap(p + i * PAGE, PAGE);
			printf("S %lld\n", now_ns() - t);
		}
		return 0;
	}
	if (!strcmp(what, "faultthp") || !strcmp(what, "pageoutthp") || !strcmp(what, "munmapthp")) {
		long long thps;

		p = map_aligned(n * HPAGE);
		if (!p || madvise(p, n * HPAGE, MADV_HUGEPAGE)) {
			printf("E mmap: %s\n", strerror(errno));
			return 1;
		}
		if (!strcmp(what, "faultthp")) {
			for (i = 0; i < n; i++) {
				t = now_ns();
				p[i * HPAGE] = 1;
				printf("S %lld\n", now_ns() - t);
			}
			printf("I thps %lld\n", anon_huge_kb() / 2048);
			return 0;
		}
		for (i = 0; i < n * (HPAGE / PAGE); i++)
			fill(p + i * PAGE, i, incompressible);
		thps = anon_huge_kb() / 2048;
		printf("I thps %lld\n", thps);
		if (!strcmp(what, "pageoutthp")) {
			long long before = vmstat("thp_swpout"), out = vmstat("pswpout");

			for (i = 0; i < n; i++) {
				t = now_ns();
				madvise(p + i * HPAGE, HPAGE, MADV_PAGEOUT);
				printf("S %lld\n", now_ns() - t);
			}
			settle();
			printf("I thp_swpout %lld\nI pswpout %lld\n", vmstat("thp_swpout") - before,
			       vmstat("pswpout") - out);
			return 0;
		}
		for (i = 0; i < n; i++) {
			t = now_ns();
			munmap(p + i * HPAGE, HPAGE);
			printf("S %lld\n", now_ns() - t);
		}
		return 0;
	}
	printf("E unknown measurement %s\n", what);
	return 2;
}
`
