/**
 * The fixed C of the exported selftest: a stand-in for kselftest_harness.h (used only when the
 * real one is not on the include path, so the file also builds and runs outside a kernel tree)
 * and the helpers pmd_swap.c gets from vm_util.c, written out so the file stands alone.
 * c-file.ts puts them around the generated parts (translate.ts).
 */

export const HARNESS_SHIM = String.raw`#if __has_include("../kselftest_harness.h")
#include "../kselftest_harness.h"
#elif __has_include("kselftest_harness.h")
#include "kselftest_harness.h"
#else
/*
 * Outside tools/testing/selftests: a small stand-in for the parts of kselftest_harness.h used
 * here (FIXTURE, FIXTURE_SETUP/TEARDOWN, TEST_F, the ASSERT_ and EXPECT_ macros, SKIP, TH_LOG). Tests run
 * in-process, one after another; the exit status is 1 when any failed.
 */
#include <setjmp.h>

#define KSFT_PASS 0
#define KSFT_FAIL 1
#define KSFT_SKIP 4

struct __test_metadata {
	const char *name;
	int exit_code;
	jmp_buf env;
};

struct hs_test {
	const char *name;
	void (*run)(struct __test_metadata *);
	struct hs_test *next;
};
static struct hs_test *hs_tests, **hs_tests_tail = &hs_tests;

#define TH_LOG(fmt, ...) fprintf(stderr, "# %s:%d: " fmt "\n", __FILE__, __LINE__, ##__VA_ARGS__)
#define ksft_print_msg(fmt, ...) printf("# " fmt, ##__VA_ARGS__)
#define FIXTURE(f) struct _fixture_##f
#define FIXTURE_DATA(f) struct _fixture_##f
#define FIXTURE_SETUP(f) \
	static void f##_setup(struct __test_metadata *_metadata, FIXTURE_DATA(f) *self)
#define FIXTURE_TEARDOWN(f) \
	static void f##_teardown(struct __test_metadata *_metadata, FIXTURE_DATA(f) *self)
#define SKIP(statement, fmt, ...) do { \
	TH_LOG("SKIP: " fmt, ##__VA_ARGS__); \
	_metadata->exit_code = KSFT_SKIP; \
	statement; \
} while (0)
#define TEST_F(f, t) \
	static void f##_##t##_body(struct __test_metadata *, FIXTURE_DATA(f) *); \
	static void f##_##t##_run(struct __test_metadata *_metadata) \
	{ \
		FIXTURE_DATA(f) self; \
		memset(&self, 0, sizeof(self)); \
		if (setjmp(_metadata->env) == 0) { \
			f##_setup(_metadata, &self); \
			if (_metadata->exit_code == KSFT_PASS) \
				f##_##t##_body(_metadata, &self); \
		} \
		f##_teardown(_metadata, &self); \
	} \
	static struct hs_test f##_##t##_entry = { #f "." #t, f##_##t##_run, NULL }; \
	__attribute__((constructor)) static void f##_##t##_register(void) \
	{ \
		*hs_tests_tail = &f##_##t##_entry; \
		hs_tests_tail = &f##_##t##_entry.next; \
	} \
	static void f##_##t##_body(struct __test_metadata *_metadata, FIXTURE_DATA(f) *self)

#define __HS_CMP(a, op, b, bail) do { \
	long long __a = (long long)(a), __b = (long long)(b); \
	if (!(__a op __b)) { \
		TH_LOG("Expected %s (%lld) %s %s (%lld)", #a, __a, #op, #b, __b); \
		_metadata->exit_code = KSFT_FAIL; \
		if (bail) \
			longjmp(_metadata->env, 1); \
	} \
} while (0)
#define ASSERT_EQ(a, b) __HS_CMP(a, ==, b, 1)
#define ASSERT_NE(a, b) __HS_CMP(a, !=, b, 1)
#define ASSERT_GE(a, b) __HS_CMP(a, >=, b, 1)
#define ASSERT_TRUE(a) __HS_CMP(!!(a), ==, 1, 1)
#define ASSERT_FALSE(a) __HS_CMP(!!(a), ==, 0, 1)
#define EXPECT_EQ(a, b) __HS_CMP(a, ==, b, 0)
#define EXPECT_NE(a, b) __HS_CMP(a, !=, b, 0)
#define EXPECT_GE(a, b) __HS_CMP(a, >=, b, 0)
#define EXPECT_TRUE(a) __HS_CMP(!!(a), ==, 1, 0)
#define EXPECT_FALSE(a) __HS_CMP(!!(a), ==, 0, 0)

#define TEST_HARNESS_MAIN \
	int main(void) \
	{ \
		int pass = 0, fail = 0, skip = 0, n = 0; \
		struct hs_test *t; \
		for (t = hs_tests; t; t = t->next) \
			n++; \
		printf("TAP version 13\n1..%d\n", n); \
		n = 0; \
		for (t = hs_tests; t; t = t->next) { \
			struct __test_metadata m = { .name = t->name }; \
			printf("#  RUN           %s ...\n", t->name); \
			fflush(stdout); \
			t->run(&m); \
			n++; \
			if (m.exit_code == KSFT_SKIP) { \
				skip++; \
				printf("ok %d %s # SKIP\n", n, t->name); \
			} else if (m.exit_code == KSFT_PASS) { \
				pass++; \
				printf("ok %d %s\n", n, t->name); \
			} else { \
				fail++; \
				printf("not ok %d %s\n", n, t->name); \
			} \
		} \
		printf("# PASSED: %d / %d tests (%d skipped)\n", pass, n, skip); \
		return fail ? KSFT_FAIL : KSFT_PASS; \
	}
#endif
`

export const HELPERS = String.raw`#ifndef MADV_COLD
#define MADV_COLD 20
#endif
#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif

#define PAGE_SIZE_4K 4096UL
#define PMD_SIZE_2M (2UL << 20)
#define PM_SWAP (1ULL << 62)
#define PM_PRESENT (1ULL << 63)

/* A line of a /proc or /sys file that starts with "<name>" and a separator: its number. */
static __attribute__((unused)) long long hs_read_field(const char *path, const char *name)
{
	char line[512];
	size_t len = strlen(name);
	long long value = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, name, len) && (line[len] == ' ' || line[len] == ':' || line[len] == '\t')) {
			value = strtoll(line + len + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return value;
}

/* /proc/vmstat counter, or -1 when this kernel has no such counter (thp_swpout_pmd: the series). */
static __attribute__((unused)) long long hs_vmstat(const char *name)
{
	return hs_read_field("/proc/vmstat", name);
}

/* A field of /proc/self/status in kB (VmSwap, RssAnon, VmPTE). */
static __attribute__((unused)) long long hs_status_kb(const char *name)
{
	return hs_read_field("/proc/self/status", name);
}

/* A field (kB) of the /proc/self/smaps entry of the VMA holding addr (check_huge_anon()). */
static __attribute__((unused)) long long hs_smaps_kb(void *addr, const char *field)
{
	char line[512];
	unsigned long start, end, a = (unsigned long)addr;
	size_t len = strlen(field);
	int inside = 0;
	long long value = -1;
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2 && strchr(line, '-') < strchr(line, ' ')) {
			inside = a >= start && a < end;
			continue;
		}
		if (inside && !strncmp(line, field, len) && line[len] == ':') {
			value = strtoll(line + len + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return value;
}

/* The /proc/self/pagemap entry of one 4 KB page (opened per call: a forked child reads its own). */
static __attribute__((unused)) uint64_t hs_pagemap(void *addr)
{
	uint64_t entry = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0)
		return 0;
	if (pread(fd, &entry, sizeof(entry), (unsigned long)addr / PAGE_SIZE_4K * sizeof(entry)) !=
	    sizeof(entry))
		entry = 0;
	close(fd);
	return entry;
}

/* Pages of [addr, addr+len) with pagemap bit 62 (swapped) set. */
static __attribute__((unused)) size_t hs_count_swapped(char *addr, size_t len)
{
	size_t n = 0, off;

	for (off = 0; off < len; off += PAGE_SIZE_4K)
		if (hs_pagemap(addr + off) & PM_SWAP)
			n++;
	return n;
}

/* check_swapped(): every 4 KB page of the range is a swap entry. */
static __attribute__((unused)) int hs_check_swapped(char *addr, size_t len)
{
	return hs_count_swapped(addr, len) == len / PAGE_SIZE_4K;
}

/* Pages of the range mincore() reports resident (mapped, or in the swap cache). */
static __attribute__((unused)) long hs_count_resident(char *addr, size_t len)
{
	size_t pages = len / PAGE_SIZE_4K, i;
	unsigned char *vec = calloc(pages, 1);
	long n = 0;

	if (!vec || mincore(addr, len, vec)) {
		free(vec);
		return -1;
	}
	for (i = 0; i < pages; i++)
		n += vec[i] & 1;
	free(vec);
	return n;
}

/*
 * The data pattern: every byte depends on the seed and its offset, and the first two bytes of
 * each page hold the page index (as the latest pmd_swap.c), so a wrong slot order shows.
 * key is the offset of addr in the original mapping, so moved data is still checkable.
 */
static __attribute__((unused)) unsigned char hs_pattern(unsigned int seed, unsigned long key)
{
	unsigned long page = key / PAGE_SIZE_4K, in_page = key % PAGE_SIZE_4K;

	if (in_page == 0)
		return page & 0xff;
	if (in_page == 1)
		return (page >> 8) & 0xff;
	return (unsigned char)(seed + key);
}

static __attribute__((unused)) void hs_fill(char *addr, size_t len, unsigned int seed, unsigned long key)
{
	size_t i;

	for (i = 0; i < len; i++)
		addr[i] = hs_pattern(seed, key + i);
}

/* -1 when the range holds the pattern, else the offset of the first wrong byte. */
static __attribute__((unused)) long hs_check_pattern(const char *addr, size_t len, unsigned int seed, unsigned long key)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)addr[i] != hs_pattern(seed, key + i))
			return i;
	return -1;
}

/* Touches the first npages pages of the range (read, or write of the pattern). */
static __attribute__((unused)) void hs_touch(char *addr, size_t npages, int write, unsigned int seed, unsigned long key)
{
	volatile char sink = 0;
	size_t i;

	for (i = 0; i < npages; i++) {
		if (write)
			hs_fill(addr + i * PAGE_SIZE_4K, PAGE_SIZE_4K, seed, key + i * PAGE_SIZE_4K);
		else
			sink += addr[i * PAGE_SIZE_4K];
	}
	(void)sink;
}

/* A PMD-aligned anonymous private mapping: over-allocate, then trim (as pmd_swap.c does). */
static __attribute__((unused)) char *hs_mmap_aligned(size_t len)
{
	size_t total = len + PMD_SIZE_2M;
	char *raw = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *aligned;

	if (raw == MAP_FAILED)
		return MAP_FAILED;
	aligned = (char *)(((unsigned long)raw + PMD_SIZE_2M - 1) & ~(PMD_SIZE_2M - 1));
	if (aligned > raw)
		munmap(raw, aligned - raw);
	if (raw + total > aligned + len)
		munmap(aligned + len, raw + total - (aligned + len));
	return aligned;
}

static __attribute__((unused)) int hs_write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	close(fd);
	return n < 0 ? -errno : 0;
}

/* zswap on: PMD-level swap entries are not used, reclaim splits (the series' F1). */
static __attribute__((unused)) int hs_zswap_enabled(void)
{
	char c = 'N';
	FILE *f = fopen("/sys/module/zswap/parameters/enabled", "r");

	if (f) {
		if (fscanf(f, " %c", &c) != 1)
			c = 'N';
		fclose(f);
	}
	return c == 'Y' || c == 'y' || c == '1';
}

/* A swap device with at least 2 MB free in /proc/swaps. */
static __attribute__((unused)) int hs_swap_available(void)
{
	char line[512], name[256], type[32];
	long long size, used;
	int found = 0;
	FILE *f = fopen("/proc/swaps", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%255s %31s %lld %lld", name, type, &size, &used) == 4 &&
		    size - used >= 2048)
			found = 1;
	fclose(f);
	return found;
}

/* THP can back a MADV_HUGEPAGE mapping: enabled is not [never]. */
static __attribute__((unused)) int hs_thp_usable(void)
{
	char line[256] = "";
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");

	if (!f)
		return 0;
	if (!fgets(line, sizeof(line), f))
		line[0] = 0;
	fclose(f);
	return strstr(line, "[never]") == NULL && line[0] != 0;
}

/* memory.reclaim of this process's cgroup v2 (k.reclaim(); drop_swapcache() in pmd_swap.c). */
static __attribute__((unused)) int hs_cgroup_reclaim(unsigned long long bytes)
{
	char line[512], path[700], amount[32];
	FILE *f = fopen("/proc/self/cgroup", "r");
	int ret = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "0::", 3))
			continue;
		line[strcspn(line, "\n")] = 0;
		snprintf(path, sizeof(path), "/sys/fs/cgroup%s/memory.reclaim", line + 3);
		snprintf(amount, sizeof(amount), "%llu", bytes);
		ret = hs_write_file(path, amount);
		break;
	}
	fclose(f);
	return ret == -EAGAIN ? 0 : ret;
}

/* Waits until khugepaged has completed n more full scans (k.khugepaged(n)), at most 60 s. */
static __attribute__((unused)) int hs_wait_khugepaged(long long n)
{
	const char *path = "/sys/kernel/mm/transparent_hugepage/khugepaged/full_scans";
	long long start = -1, now = -1;
	int waited;
	FILE *f = fopen(path, "r");

	if (!f || fscanf(f, "%lld", &start) != 1) {
		if (f)
			fclose(f);
		return -1;
	}
	fclose(f);
	for (waited = 0; waited < 6000; waited++) {
		usleep(10000);
		f = fopen(path, "r");
		if (!f)
			return -1;
		if (fscanf(f, "%lld", &now) != 1)
			now = -1;
		fclose(f);
		if (now >= start + n)
			return 0;
	}
	return -1;
}

static __attribute__((unused)) void hs_log_counters(const char *label)
{
	static const char *const names[] = {
		"thp_swpout", "thp_swpout_pmd", "thp_swpout_fallback", "thp_split_pmd",
		"pswpin", "pswpout", "zswpout", "pgmajfault",
	};
	size_t i;

	ksft_print_msg("%s:", label);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		printf(" %s=%lld", names[i], hs_vmstat(names[i]));
	printf("\n");
}
`
