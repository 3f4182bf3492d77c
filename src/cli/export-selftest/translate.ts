/**
 * The translator of `hugeswap export-selftest`: recorded steps (record.ts) to the C statements of
 * the scenario's TEST_F, one commented block per step, keeping track of what C needs and the
 * recording does not say: which mapping (r0, r1, ...) holds a simulated address, which task runs
 * a step (t0 is the test process, later tasks are fork()ed), and which ranges hold which write's
 * pattern (so a read can check it, and COW isolation shows).
 *
 * Translated: spawn, mmap (PMD-aligned, MADV_(NO)HUGEPAGE), write/read (the pattern, and its check
 * where the range is known to hold it), madvise, mprotect, munmap, mremap, fork, exit,
 * smaps/status/pagemap/mincore queries (logged; smaps and pagemap also as expectations from the
 * simulation), k.reclaim (memory.reclaim), k.sleep, k.khugepaged (waits for full_scans),
 * k.swapoff/swapon (PMD_SWAP_DEVICE), k.zswap, k.splitFolio (debugfs split_huge_pages), clear_refs,
 * snapshots. k.phase has nothing to translate. Left as TODO comments: userfaultfd (register,
 * protect, move, events), GUP pins, memory cgroups, random touch order (touched sequentially).
 *
 * `Translator.translate()` is a switch over SimVerb with a `never` default: a new scenario verb
 * does not compile until it says here how it translates (a TODO comment is an answer).
 */
import type { PagemapEntry } from '../../sim/api'
import { MADVICE, PROT, cString, comment, formatBytes, hex } from './c-text'
import type { Recording, TraceStep } from './record'

const PAGE = 4096

interface Region {
  id: number
  /** Simulated start address and length. */
  start: number
  length: number
  /** Pattern key of `start` (offset in the original mapping, kept across mremap). */
  key: number
  /** One VMA still: smaps of the whole region is the region's. */
  intact: boolean
  live: boolean
}

/** [from, to, generation]: keys holding the pattern of the write with that generation. */
type Interval = [number, number, number]

/** Half-open key intervals holding a pattern, per task. */
class PatternMap {
  private readonly byTask = new Map<number, Interval[]>()

  add(task: number, from: number, to: number, gen: number): void {
    const list = this.remove(task, from, to)
    list.push([from, to, gen])
    list.sort((a, b) => a[0] - b[0])
    const merged: Interval[] = []
    for (const iv of list) {
      const last = merged.at(-1)
      if (last && iv[0] <= last[1] && iv[2] === last[2]) last[1] = Math.max(last[1], iv[1])
      else merged.push([iv[0], iv[1], iv[2]])
    }
    this.byTask.set(task, merged)
  }

  remove(task: number, from: number, to: number): Interval[] {
    const list = (this.byTask.get(task) ?? []).flatMap((iv): Interval[] => {
      if (iv[1] <= from || iv[0] >= to) return [iv]
      const parts: Interval[] = []
      if (iv[0] < from) parts.push([iv[0], from, iv[2]])
      if (iv[1] > to) parts.push([to, iv[1], iv[2]])
      return parts
    })
    this.byTask.set(task, list)
    return list
  }

  /** The generation of the write whose pattern the whole range holds, if one does. */
  covering(task: number, from: number, to: number): number | undefined {
    return (this.byTask.get(task) ?? []).find((iv) => iv[0] <= from && iv[1] >= to)?.[2]
  }

  copy(from: number, to: number): void {
    this.byTask.set(
      to,
      (this.byTask.get(from) ?? []).map((iv): Interval => [iv[0], iv[1], iv[2]]),
    )
  }

  clear(task: number): void {
    this.byTask.set(task, [])
  }
}

/**
 * Translates a recording's steps in order into `body`, gathering what the file around them needs
 * (c-file.ts): the regions to declare, the tasks' comms, the TODOs, whether steps are sequenced
 * across processes (`multi`, set before the first step) and how many there were (`step`).
 */
export class Translator {
  readonly regions: Region[] = []
  readonly tasks = new Map<number, number>()
  readonly comms: string[] = []
  readonly pattern = new PatternMap()
  readonly body: string[] = []
  readonly todos = new Set<string>()
  /** Whether more than one task ever runs (then steps are sequenced across processes). */
  multi = false
  step = 0
  pageoutCount = 0
  /** Every write gets its own pattern (seed + generation), so COW isolation shows. */
  writes = 0

  constructor(
    readonly rec: Recording,
    readonly zswapAtStart: boolean,
  ) {}

  taskOf(pid: unknown): number {
    return this.tasks.get(pid as number) ?? 0
  }

  /** The region holding sim address `addr` (latest first) and the C expression for it. */
  at(addr: number): { region: Region | undefined; expr: string; key: number } {
    const region =
      [...this.regions]
        .reverse()
        .find((r) => r.live && addr >= r.start && addr < r.start + r.length) ??
      [...this.regions].reverse().find((r) => addr >= r.start && addr < r.start + r.length)
    if (!region)
      return { region, expr: `(char *)${hex(addr)} /* TODO: unknown address */`, key: addr }
    const off = addr - region.start
    return {
      region,
      expr: off === 0 ? `r${region.id}` : `r${region.id} + ${hex(off)}`,
      key: region.key + off,
    }
  }

  emit(task: number, describe: string, lines: string[]): void {
    const indent = this.multi ? '\t\t' : '\t'
    const out = [`\t/* ${comment(describe)} */`]
    if (this.multi) {
      out.push(`\tif (me == ${task}) {`, `\t\ths_step_wait(${this.step});`)
    }
    out.push(...lines.map((l) => (l === '' ? '' : indent + l)))
    if (this.multi) out.push(`\t\ths_step_done(${this.step});`, '\t}')
    this.step++
    this.body.push(...out)
  }

  todo(task: number, describe: string, why: string): void {
    this.todos.add(why)
    this.emit(task, describe, [`/* TODO: ${comment(why)} */`])
  }

  /** HS_EXPECT_SIM lines guarded against zswap when they assume PMD-level swap. */
  pmdGuard(lines: string[]): string[] {
    return ['if (!self->zswap) {', ...lines.map((l) => '\t' + l), '}']
  }

  translate(step: TraceStep): void {
    const [a0, a1, a2, a3] = step.args
    const t = step.method === 'spawn' ? this.tasks.size : this.taskOf(a0)
    const who = `t${t}`
    switch (step.method) {
      case 'spawn': {
        const pid = step.result as number
        this.tasks.set(pid, t)
        this.comms.push(String(a0))
        if (t === 0) {
          this.emit(0, `k.spawn(${JSON.stringify(a0)}): task t0 is this test process`, [])
        } else {
          this.emit(0, `k.spawn(${JSON.stringify(a0)}): task t${t}, a fork()ed stand-in`, [
            '/* A fresh mm is not available from C without exec: the child inherits this',
            " * process's mappings, which its own steps below do not use. */",
            `pid = fork();`,
            `ASSERT_GE(pid, 0);`,
            `if (pid == 0)`,
            `\tme = ${t};`,
          ])
        }
        return
      }
      case 'mmap': {
        const len = a1 as number
        const region: Region = {
          id: this.regions.length,
          start: step.result as number,
          length: len,
          key: 0,
          intact: true,
          live: true,
        }
        region.key = region.id * 2 ** 40
        this.regions.push(region)
        const r = `r${region.id}`
        const lines = [`${r} = hs_mmap_aligned(${hex(len)});`, `ASSERT_TRUE(${r} != MAP_FAILED);`]
        if (a2) lines.push(`ASSERT_EQ(madvise(${r}, ${hex(len)}, ${MADVICE[a2 as string]}), 0);`)
        const advice = a2 ? `, { advice: '${a2 as string}' }` : ''
        this.emit(t, `${who}.mmap('${formatBytes(len)}'${advice}) -> ${r}`, lines)
        return
      }
      case 'touch': {
        const len = a2 as number
        const opts = (a3 ?? {}) as { write?: boolean; pages?: number; order?: string }
        const { expr, key } = this.at(a1 as number)
        const total = Math.ceil(len / PAGE)
        const pages =
          opts.pages === undefined
            ? total
            : opts.pages < 1
              ? Math.round(opts.pages * total)
              : opts.pages
        const whole = pages >= total
        const verb = opts.write ? 'write' : 'read'
        const desc = `${who}.${verb}(${expr}, ${hex(len)}${opts.pages !== undefined ? `, { pages: ${opts.pages}${opts.order ? `, order: '${opts.order}'` : ''} }` : ''})`
        const lines: string[] = []
        if (opts.order === 'random' && !whole) {
          this.todos.add('random touch order: touched sequentially')
          lines.push('/* TODO: random order in the scenario; touched sequentially here */')
        }
        if (opts.write) {
          const gen = this.writes++
          const seed = gen === 0 ? 'seed' : `seed + ${gen}`
          lines.push(
            whole
              ? `hs_fill(${expr}, ${hex(len)}, ${seed}, ${hex(key)});`
              : `hs_touch(${expr}, ${pages}, 1, ${seed}, ${hex(key)});`,
          )
          if (opts.order === 'random' && !whole) this.pattern.remove(t, key, key + len)
          else this.pattern.add(t, key, key + Math.min(len, pages * PAGE), gen)
        } else {
          const gen = whole ? this.pattern.covering(t, key, key + len) : undefined
          const seed = gen === undefined || gen === 0 ? 'seed' : `seed + ${gen}`
          lines.push(
            gen === undefined
              ? `hs_touch(${expr}, ${pages}, 0, seed, ${hex(key)});`
              : `EXPECT_EQ(hs_check_pattern(${expr}, ${hex(len)}, ${seed}, ${hex(key)}), -1);`,
          )
        }
        lines.push(...this.afterFault(step, expr, len))
        this.emit(t, desc, lines)
        return
      }
      case 'madvise': {
        const len = a2 as number
        const advice = a3 as string
        const { region, expr, key } = this.at(a1 as number)
        const call = `madvise(${expr}, ${hex(len)}, ${MADVICE[advice] ?? advice})`
        const desc = `${who}.madvise(${expr}, ${hex(len)}, '${advice}')`
        if (region && (advice === 'hugepage' || advice === 'nohugepage') && len !== region.length) {
          region.intact = false
        }
        if (advice === 'dontneed' || advice === 'free') this.pattern.remove(t, key, key + len)
        if (advice !== 'pageout') {
          this.emit(t, desc, [`EXPECT_EQ(${call}, 0);`])
          return
        }
        const n = this.pageoutCount++
        const lines = [
          `pmd_before = hs_vmstat("thp_swpout_pmd");`,
          `fallback_before = hs_vmstat("thp_swpout_fallback");`,
          `ASSERT_EQ(${call}, 0);`,
          `TH_LOG("pageout ${n}: thp_swpout_pmd +%lld, thp_swpout_fallback +%lld, %zu of %lu pages swapped",`,
          `       hs_vmstat("thp_swpout_pmd") - pmd_before,`,
          `       hs_vmstat("thp_swpout_fallback") - fallback_before,`,
          `       hs_count_swapped(${expr}, ${hex(len)}), ${hex(len)}UL / PAGE_SIZE_4K);`,
        ]
        const p = step.probe
        if (p) {
          const pmd = p.vmstatDelta.thp_swpout_pmd ?? 0
          const sim: string[] = []
          sim.push(
            `/* simulated ${this.rec.result.variants[0]?.name ?? ''}: ${Object.entries(
              p.vmstatDelta,
            )
              .map(([k, v]) => `${k} +${v}`)
              .join(
                ', ',
              )}${p.swapped !== undefined ? `, ${p.swapped}/${p.pages} pages swapped` : ''} */`,
          )
          if (p.swapped !== undefined && p.pages !== undefined && p.swapped === p.pages) {
            sim.push(`HS_EXPECT_SIM(hs_check_swapped(${expr}, ${hex(len)}));`)
          }
          const pmdLines =
            pmd > 0
              ? this.pmdGuard([
                  `/* pmd_swap.c skips when another THP was the one split */`,
                  `if (hs_vmstat("thp_swpout_fallback") == fallback_before)`,
                  `\tHS_EXPECT_SIM(hs_vmstat("thp_swpout_pmd") - pmd_before >= ${pmd});`,
                ])
              : []
          lines.push(...sim, ...pmdLines)
        }
        this.emit(t, desc, lines)
        return
      }
      case 'mprotect': {
        const len = a2 as number
        const { region, expr } = this.at(a1 as number)
        if (region && len !== region.length) region.intact = false
        const lines = [
          `ASSERT_EQ(mprotect(${expr}, ${hex(len)}, ${PROT[a3 as string] ?? 'PROT_NONE'}), 0);`,
        ]
        const p = step.probe
        if (p?.swapped !== undefined && p.pages !== undefined && p.swapped === p.pages) {
          lines.push(`HS_EXPECT_SIM(hs_check_swapped(${expr}, ${hex(len)}));`)
        }
        this.emit(t, `${who}.mprotect(${expr}, ${hex(len)}, '${a3 as string}')`, lines)
        return
      }
      case 'munmap': {
        const len = a2 as number
        const { region, expr, key } = this.at(a1 as number)
        if (region) {
          if (len >= region.length && (a1 as number) === region.start) region.live = false
          else region.intact = false
        }
        this.pattern.remove(t, key, key + len)
        this.emit(t, `${who}.munmap(${expr}, ${hex(len)})`, [
          `swap_before = hs_status_kb("VmSwap");`,
          `ASSERT_EQ(munmap(${expr}, ${hex(len)}), 0);`,
          `TH_LOG("munmap: VmSwap %lld -> %lld kB", swap_before, hs_status_kb("VmSwap"));`,
        ])
        return
      }
      case 'mremap': {
        const len = a2 as number
        const { region, expr, key } = this.at(a1 as number)
        const next: Region = {
          id: this.regions.length,
          start: step.result as number,
          length: len,
          key,
          intact: true,
          live: true,
        }
        this.regions.push(next)
        if (region) {
          if (len >= region.length) region.live = false
          else region.intact = false
        }
        const r = `r${next.id}`
        const lines =
          a3 === undefined
            ? [`${r} = mremap(${expr}, ${hex(len)}, ${hex(len)}, MREMAP_MAYMOVE);`]
            : [
                `/* a PMD-aligned destination, as the latest pmd_swap.c mremap test */`,
                `${r} = hs_mmap_aligned(${hex(len)});`,
                `ASSERT_TRUE(${r} != MAP_FAILED);`,
                `${r} = mremap(${expr}, ${hex(len)}, ${hex(len)}, MREMAP_MAYMOVE | MREMAP_FIXED, ${r});`,
              ]
        lines.push(`ASSERT_TRUE(${r} != MAP_FAILED);`)
        const p = step.probe
        if (p?.swapped !== undefined && p.pages !== undefined && p.swapped === p.pages) {
          lines.push(`HS_EXPECT_SIM(hs_check_swapped(${r}, ${hex(len)}));`)
        }
        this.emit(t, `${who}.mremap(${expr}, ${hex(len)}) -> ${r}`, lines)
        return
      }
      case 'fork': {
        const child = this.tasks.size
        this.tasks.set(step.result as number, child)
        this.comms.push(this.comms[t] ?? 'task')
        this.pattern.copy(t, child)
        this.emit(t, `${who}.fork() -> t${child}`, [
          `pid = fork();`,
          `ASSERT_GE(pid, 0);`,
          `if (pid == 0)`,
          `\tme = ${child};`,
        ])
        return
      }
      case 'exit': {
        this.pattern.clear(t)
        if (t === 0) {
          const live = this.regions.filter((r) => r.live)
          for (const r of live) r.live = false
          this.emit(0, `${who}.exit(): the test process unmaps its regions instead`, [
            ...live.map((r) => `munmap(r${r.id}, ${hex(r.length)});`),
          ])
        } else {
          this.emit(t, `${who}.exit()`, [
            ...(this.multi ? [`hs_step_done(${this.step});`] : []),
            `_exit(_metadata->exit_code == KSFT_FAIL);`,
          ])
        }
        return
      }
      case 'smaps': {
        if (a1 === undefined) {
          this.emit(t, `${who}.smaps()`, ['/* whole-process smaps: see /proc/self/smaps_rollup */'])
          return
        }
        const len = a2 as number
        const { region, expr } = this.at(a1 as number)
        const sim = step.result as Record<string, number>
        const lines = [
          `TH_LOG("smaps: AnonHugePages %lld kB, Swap %lld kB, Rss %lld kB (simulated: ${sim.AnonHugePages ?? '?'}, ${sim.Swap ?? '?'}, ${sim.Rss ?? '?'})",`,
          `       hs_smaps_kb(${expr}, "AnonHugePages"), hs_smaps_kb(${expr}, "Swap"), hs_smaps_kb(${expr}, "Rss"));`,
        ]
        if (region && region.intact && (a1 as number) === region.start && len === region.length) {
          const pmd: string[] = []
          for (const field of ['AnonHugePages', 'Swap']) {
            if (sim[field] !== undefined) {
              pmd.push(`HS_EXPECT_SIM(hs_smaps_kb(${expr}, "${field}") == ${sim[field]});`)
            }
          }
          lines.push(...(this.zswapAtStart ? pmd : this.pmdGuard(pmd)))
        } else {
          lines.push(
            '/* smaps reports the whole VMA: the range is part of one, so no expectation */',
          )
        }
        this.emit(t, `${who}.smaps(${expr}, ${hex(len)})`, lines)
        return
      }
      case 'status': {
        const sim = step.result as Record<string, number>
        this.emit(t, `${who}.status()`, [
          `TH_LOG("status: VmSwap %lld kB, RssAnon %lld kB (simulated: ${sim.VmSwap ?? '?'}, ${sim.RssAnon ?? '?'}; the real process has other mappings too)",`,
          `       hs_status_kb("VmSwap"), hs_status_kb("RssAnon"));`,
        ])
        return
      }
      case 'pagemap': {
        const len = a2 as number
        const { expr } = this.at(a1 as number)
        const entries = step.result as PagemapEntry[]
        const swapped = entries.filter((e) => e.swapped).length
        this.emit(t, `${who}.pagemap(${expr}, ${hex(len)})`, [
          `TH_LOG("pagemap: %zu of %lu pages swapped (simulated: ${swapped})",`,
          `       hs_count_swapped(${expr}, ${hex(len)}), ${hex(len)}UL / PAGE_SIZE_4K);`,
          `HS_EXPECT_SIM(hs_count_swapped(${expr}, ${hex(len)}) == ${swapped});`,
        ])
        return
      }
      case 'mincore': {
        const len = a2 as number
        const { expr } = this.at(a1 as number)
        const resident = (step.result as boolean[]).filter(Boolean).length
        this.emit(t, `${who}.mincore(${expr}, ${hex(len)})`, [
          `TH_LOG("mincore: %ld pages resident (simulated: ${resident})", hs_count_resident(${expr}, ${hex(len)}));`,
        ])
        return
      }
      case 'clearRefs':
        this.emit(t, `${who}.clearRefs(${String(a1)})`, [
          `EXPECT_EQ(hs_write_file("/proc/self/clear_refs", "${String(a1)}"), 0);`,
        ])
        return
      case 'uffdRegister':
      case 'uffdProtect':
      case 'uffdMove':
      case 'uffdEvents':
        this.todo(
          t,
          `${who}.${step.method}(...)`,
          'userfaultfd steps: see the uffdio_move and rwp_swapin tests of pmd_swap.c',
        )
        return
      case 'pin':
        this.todo(
          t,
          `${who}.${a3 ? 'pin' : 'unpin'}(...)`,
          'long-term GUP pins need a driver (vfio, RDMA) or gup_test',
        )
        return
      case 'zswap':
        this.emit(0, `k.zswap(${String(a0)})`, [
          `EXPECT_EQ(hs_write_file("/sys/module/zswap/parameters/enabled", "${a0 ? 'Y' : 'N'}"), 0);`,
          `self->zswap = hs_zswap_enabled();`,
        ])
        return
      case 'splitFolio': {
        const { expr } = this.at(a1 as number)
        this.emit(t, `k.splitFolio(${expr})`, [
          `snprintf(buf, sizeof(buf), "%d,0x%lx,0x%lx", getpid(), (unsigned long)(${expr}),`,
          `         (unsigned long)(${expr}) + PMD_SIZE_2M);`,
          `/* needs debugfs and root; the simulator split the swap-cache folio behind a swap PMD too */`,
          `EXPECT_EQ(hs_write_file("/sys/kernel/debug/split_huge_pages", buf), 0);`,
        ])
        return
      }
      case 'reclaim':
        this.emit(0, `k.reclaim('${formatBytes(a0 as number)}')`, [
          `EXPECT_EQ(hs_cgroup_reclaim(${a0 as number}ULL), 0);`,
        ])
        return
      case 'sleep':
        this.emit(0, `k.sleep(${String(a0)})`, [`usleep(${Math.round((a0 as number) * 1000)});`])
        return
      case 'khugepaged':
        this.emit(0, `k.khugepaged(${a0 === undefined ? '' : String(a0)})`, [
          `if (hs_wait_khugepaged(${(a0 as number | undefined) ?? 1}))`,
          `\tTH_LOG("khugepaged did not finish ${(a0 as number | undefined) ?? 1} full scan(s) in 60 s");`,
        ])
        return
      case 'swapoff':
      case 'swapon': {
        const on = step.method === 'swapon'
        this.emit(0, `k.${step.method}(${a0 === undefined ? '' : String(a0)})`, [
          `/* the device comes from PMD_SWAP_DEVICE, as in pmd_swap.c's swapoff test */`,
          `if (getenv("PMD_SWAP_DEVICE"))`,
          `\tEXPECT_EQ(${on ? 'swapon(getenv("PMD_SWAP_DEVICE"), 0)' : 'swapoff(getenv("PMD_SWAP_DEVICE"))'}, 0);`,
          `else`,
          `\tTH_LOG("PMD_SWAP_DEVICE not set: ${step.method} skipped");`,
        ])
        return
      }
      case 'vmstat':
      case 'meminfo':
        this.emit(0, `k.${step.method}()`, [`hs_log_counters("k.${step.method}()");`])
        return
      case 'snapshot':
        this.emit(0, `k.snapshot(${JSON.stringify(a0)})`, [
          `hs_log_counters(${cString(String(a0))});`,
        ])
        return
      case 'phase':
        // A phase only groups the simulator's fault report: the test has no step for it.
        return
      case 'cgroupCreate':
      case 'cgroupSetMax':
      case 'cgroupReclaim':
      case 'cgroupStat':
        this.todo(t, `${step.method}(...)`, `${step.method} has no translation`)
        return
      default: {
        // Every SimVerb has a case above: a new verb does not compile until it has one. (A
        // recording made by another build could still hold one: it becomes a TODO.)
        const method: string = step.method satisfies never
        this.todo(t, `${method}(...)`, `${method} has no translation`)
      }
    }
  }

  /** After a fault-in of a whole region: PMD restored on the series unless zswap. */
  afterFault(step: TraceStep, expr: string, len: number): string[] {
    const p = step.probe
    if (!p || p.anonHugeKb === undefined || len < 2 << 20) return []
    const { region } = this.at(step.args[1] as number)
    if (
      !region ||
      !region.intact ||
      (step.args[1] as number) !== region.start ||
      len !== region.length
    ) {
      return []
    }
    const sim = `HS_EXPECT_SIM(hs_smaps_kb(${expr}, "AnonHugePages") == ${p.anonHugeKb});`
    return this.zswapAtStart ? [sim] : this.pmdGuard([sim])
  }
}
