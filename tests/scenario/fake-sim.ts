/**
 * A deliberately tiny Simulator for pipeline tests: it records calls and answers with counters
 * derived from them. It checks nothing about memory management; the real engine's tests do that.
 */
import {
  SimInvariantError,
  SimUsageError,
  type PagemapEntry,
  type Simulator,
  type SimulatorOptions,
  type SimulatorResult,
  type TouchOptions,
  type UffdEvent,
} from '../../src/sim/api'
import { VARIANT_FEATURES } from '../../src/shared/result'

export interface FakeSimulator extends Simulator {
  calls: string[]
}

const PMD = 2 * 1024 * 1024

export function createFakeSimulator(opts: SimulatorOptions): FakeSimulator {
  const calls: string[] = []
  const vmstat: Record<string, number> = { thp_swpout: 0, pswpout: 0, pgfault: 0 }
  let nextPid = 100
  let nextAddr = 0x7f0000000000
  const live = new Set<number>()
  const snapshots: SimulatorResult['snapshots'] = []
  let timeNs = 0
  const uffdQueue: UffdEvent[] = []
  let cgroups = 0

  const alive = (pid: number): void => {
    if (!live.has(pid)) throw new SimUsageError(`pid ${pid} has exited`)
  }

  const sim: FakeSimulator = {
    calls,
    variant: { name: opts.variant, ...VARIANT_FEATURES[opts.variant] },
    spawn(comm) {
      calls.push(`spawn ${comm}`)
      live.add(nextPid)
      return nextPid++
    },
    mmap(pid, lengthBytes, advice) {
      alive(pid)
      calls.push(`mmap ${pid} ${lengthBytes} ${advice ?? '-'}`)
      const addr = nextAddr
      nextAddr += Math.ceil(lengthBytes / PMD) * PMD
      return addr
    },
    touch(pid, addr, lengthBytes, o: TouchOptions) {
      alive(pid)
      calls.push(
        `touch ${pid} ${addr} ${lengthBytes} ${o.write ? 'w' : 'r'} ${o.pages ?? '-'} ${o.order ?? '-'}`,
      )
      vmstat.pgfault += 1
      timeNs += 1000
    },
    madvise(pid, addr, lengthBytes, advice) {
      alive(pid)
      calls.push(`madvise ${pid} ${addr} ${lengthBytes} ${advice}`)
      if (advice === 'collapse') throw new SimInvariantError('content tag mismatch at 0x1000')
      if (advice === 'pageout') {
        vmstat.thp_swpout += 1
        vmstat.pswpout += lengthBytes / 4096
      }
    },
    mprotect(pid, addr, lengthBytes, prot) {
      calls.push(`mprotect ${pid} ${addr} ${lengthBytes} ${prot}`)
    },
    munmap(pid, addr, lengthBytes) {
      calls.push(`munmap ${pid} ${addr} ${lengthBytes}`)
    },
    mremap(pid, addr, lengthBytes, newAddr) {
      calls.push(`mremap ${pid} ${addr} ${lengthBytes} ${newAddr ?? '-'}`)
      return newAddr ?? addr + 64 * PMD
    },
    fork(pid) {
      alive(pid)
      calls.push(`fork ${pid}`)
      live.add(nextPid)
      return nextPid++
    },
    exit(pid) {
      calls.push(`exit ${pid}`)
      live.delete(pid)
    },
    smaps(pid, addr, lengthBytes) {
      calls.push(`smaps ${pid} ${addr ?? '-'} ${lengthBytes ?? '-'}`)
      return {
        Rss: 0,
        AnonHugePages: VARIANT_FEATURES[opts.variant].pmdSwap ? 2048 : 0,
        Swap: 2048,
      }
    },
    status(pid) {
      calls.push(`status ${pid}`)
      return { VmRSS: 0, RssAnon: 0, VmSwap: 2048, VmPTE: 4 }
    },
    pagemap(pid, addr, lengthBytes): PagemapEntry[] {
      calls.push(`pagemap ${pid} ${addr} ${lengthBytes}`)
      const n = lengthBytes / 4096
      return Array.from({ length: n }, (_, i) => ({
        present: false,
        swapped: true,
        swapType: 0,
        swapOffset: i,
        softDirty: false,
        exclusive: true,
        uffdWp: false,
      }))
    },
    mincore(pid, addr, lengthBytes) {
      alive(pid)
      calls.push(`mincore ${pid} ${addr} ${lengthBytes}`)
      return Array.from({ length: lengthBytes / 4096 }, (_, i) => i % 2 === 0)
    },
    clearRefs(pid, value) {
      alive(pid)
      calls.push(`clearRefs ${pid} ${value}`)
    },
    uffdRegister(pid, addr, lengthBytes, modes) {
      alive(pid)
      calls.push(`uffdRegister ${pid} ${addr} ${lengthBytes} ${modes.join(',')}`)
    },
    uffdProtect(pid, addr, lengthBytes, mode, protect) {
      alive(pid)
      calls.push(`uffdProtect ${pid} ${addr} ${lengthBytes} ${mode} ${protect}`)
      if (protect)
        uffdQueue.push({
          addr,
          write: true,
          wp: mode === 'wp',
          rwp: mode === 'rwp',
          missing: false,
        })
    },
    uffdMove(pid, dst, src, lengthBytes) {
      alive(pid)
      calls.push(`uffdMove ${pid} ${dst} ${src} ${lengthBytes}`)
      return lengthBytes
    },
    uffdEvents(pid) {
      alive(pid)
      calls.push(`uffdEvents ${pid}`)
      return uffdQueue.splice(0)
    },
    pin(pid, addr, lengthBytes, pinned) {
      alive(pid)
      calls.push(`pin ${pid} ${addr} ${lengthBytes} ${pinned}`)
    },
    zswap(enabled) {
      calls.push(`zswap ${enabled}`)
    },
    splitFolio(pid, addr) {
      alive(pid)
      calls.push(`splitFolio ${pid} ${addr}`)
      return addr % PMD === 0
    },
    reclaim(bytes) {
      calls.push(`reclaim ${bytes}`)
      return bytes
    },
    cgroupCreate(name, maxBytes) {
      calls.push(`cgroupCreate ${name} ${maxBytes}`)
      return ++cgroups
    },
    cgroupSetMax(id, maxBytes) {
      calls.push(`cgroupSetMax ${id} ${maxBytes}`)
    },
    cgroupReclaim(id, bytes) {
      calls.push(`cgroupReclaim ${id} ${bytes}`)
      return bytes
    },
    cgroupStat(id) {
      calls.push(`cgroupStat ${id}`)
      return {
        'memory.current': 0,
        'memory.max': Infinity,
        'memory.events.max': 0,
        'memory.events.oom': 0,
        'memory.events.oom_kill': 0,
        'memory.stat.pgscan': 0,
        'memory.stat.pgsteal': 0,
      }
    },
    sleep(ms) {
      calls.push(`sleep ${ms}`)
      timeNs += ms * 1e6
    },
    khugepaged(scans) {
      calls.push(`khugepaged ${scans ?? '-'}`)
    },
    swapoff(index) {
      calls.push(`swapoff ${index ?? '-'}`)
    },
    swapon(index) {
      calls.push(`swapon ${index ?? '-'}`)
    },
    vmstat: () => ({ ...vmstat }),
    meminfo: () => ({ MemTotal: opts.machine.memoryBytes / 1024, AnonHugePages: 0 }),
    phase(name) {
      calls.push(`phase ${String(name)}`)
    },
    snapshot(label) {
      calls.push(`snapshot ${label}`)
      snapshots.push({
        label,
        timeNs,
        vmstat: { ...vmstat },
        meminfo: {},
        pageTables: { allocated: 0, freed: 0, deposited: 0, withdrawn: 0, peakBytes: 0 },
        pageTableBytes: 0,
      })
    },
    warn(message) {
      calls.push(`warn ${message}`)
    },
    finish() {
      const latency = { mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 }
      return {
        name: opts.variant,
        features: VARIANT_FEATURES[opts.variant],
        vmstat: { ...vmstat },
        meminfo: {},
        snapshots,
        pageTables: { allocated: 0, freed: 0, deposited: 0, withdrawn: 0, peakBytes: 0 },
        pageTableTimeline: [],
        faults: {
          count: 0,
          latencyNs: latency,
          byType: {},
          histogram: { firstLog2: 0, counts: [] },
        },
        walkers: {},
        fallbacks: {},
        warnings: [],
        endTimeNs: timeNs,
      }
    },
  }
  return sim
}
