/**
 * The host kernel made into the scenario's machine, as far as it can be, and put back afterwards.
 *
 * What is set: the swap devices (zram, a loop device over a sparse file for 'nvme' and 'hdd', a
 * swap file on an ext4 filesystem in a loop device for 'file'; each block device's rotational
 * flag as the type says), THP and mTHP knobs, khugepaged's knobs,
 * vm.page-cluster and vm.swappiness, zswap. What the host cannot be (its RAM size, fault
 * injection, pre-fragmentation, CONFIG_THP_SWAP=n, a compressor it lacks) is listed, never
 * silently ignored.
 *
 * Every change is written to a journal (/run/hugeswap/real-journal.json) before it is made, and
 * undone in reverse order when the run ends, fails or is interrupted. A run that was killed
 * outright leaves the journal behind: the next run undoes it first.
 */
import { execFile as execFileCb } from 'node:child_process'
import { access, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'
import { MTHP_SIZES, type MachineSpec, type SwapDeviceType } from '../../sim/api'

const execFile = promisify(execFileCb)

export const JOURNAL = '/run/hugeswap/real-journal.json'
/** scan_sleep_millisecs during a replay: a day, so khugepaged wakes only when asked. */
export const KHUGEPAGED_ASLEEP_MS = 86_400_000
const THP = '/sys/kernel/mm/transparent_hugepage'
const ZSWAP = '/sys/module/zswap/parameters'
/** `System.blockDevice()`'s index for the device that primes swap readahead (hs_prime_ra()). */
export const PRIME_DEVICE = -1
/** The priming device's size: room for hs_prime_ra()'s 386 pages. */
export const PRIME_DEVICE_BYTES = 8 * 2 ** 20
/** Room for ext4's own blocks beside the swap files it holds. */
const SWAP_FILE_FS_SLACK = 64 * 2 ** 20

/** One change to the machine, with what undoes it. */
export type Change =
  | { kind: 'knob'; path: string; old: string }
  | { kind: 'swapon'; device: string }
  | { kind: 'zram-disksize'; device: string }
  | { kind: 'zram-added'; index: number }
  | { kind: 'loop'; device: string }
  | { kind: 'file'; path: string }
  | { kind: 'dir'; path: string }
  | { kind: 'mount'; path: string }
  | { kind: 'debugfs' }

/** What the machine layer does to the system; tests pass a fake. */
export interface System {
  read(path: string): Promise<string>
  write(path: string, text: string): Promise<void>
  run(cmd: string, args: string[]): Promise<string>
  exists(path: string): Promise<boolean>
  tempDir(): Promise<string>
  remove(path: string): Promise<void>
  /**
   * A block device of its own for swap[index] (a VM's virtio disk); without it, block swap is a
   * loop device over a file in tempDir().
   */
  blockDevice?(index: number): Promise<{ path: string; describe: string }>
  /**
   * A directory on a non-rotational filesystem of its own for swap files (a VM's scratch disk);
   * without it, an ext4 filesystem on a loop device over a file in tempDir().
   */
  swapFileDir?(): Promise<{ dir: string; describe: string }>
}

export const realSystem: System = {
  read: (path) => readFile(path, 'utf8'),
  async write(path, text) {
    await writeFile(path, text)
  },
  async run(cmd, args) {
    const { stdout } = await execFile(cmd, args, { encoding: 'utf8' })
    return stdout
  },
  // access(), never a read: reading zram-control/hot_add creates a device.
  exists: (path) =>
    access(path).then(
      () => true,
      () => false,
    ),
  // Not /tmp: it may be a tmpfs, and swap on a file there is swap in RAM.
  tempDir: () => mkdtemp('/var/tmp/hugeswap-real-'),
  remove: (path) => rm(path, { recursive: true, force: true }),
}

/** A device the scenario's swap index maps to, for swapoff/swapon steps. */
export interface SwapDevice {
  index: number
  path: string
  /** The swapon priority, when the model's is explicit (>= 0). */
  priority?: number
}

export interface Prepared {
  swap: SwapDevice[]
  /** What the host could not give, in the scenario's terms. */
  notGiven: string[]
  /** What was set, for the report. */
  settings: string[]
}

/** The bracketed choice of a sysfs multiple-choice file (`always [madvise] never`), or the text. */
export function currentChoice(text: string): string {
  const m = /\[([^\]]+)\]/.exec(text)
  return (m ? m[1] : text).trim()
}

export class HostMachine {
  private readonly changes: Change[] = []

  constructor(
    private readonly sys: System = realSystem,
    private readonly journal = JOURNAL,
  ) {}

  /** Undoes what a killed earlier run left (its journal); returns how many changes. */
  async recover(): Promise<number> {
    let text: string
    try {
      text = await this.sys.read(this.journal)
    } catch {
      return 0
    }
    let left: Change[]
    try {
      left = JSON.parse(text) as Change[]
    } catch {
      left = []
    }
    this.changes.push(...left)
    await this.restore()
    return left.length
  }

  private async note(change: Change): Promise<void> {
    this.changes.push(change)
    await mkdir(dirname(this.journal), { recursive: true }).catch(() => undefined)
    await this.sys.write(this.journal, JSON.stringify(this.changes))
  }

  /** Sets a knob, remembering its old value first. */
  async knob(path: string, value: string): Promise<void> {
    const old = currentChoice(await this.sys.read(path))
    if (old === value) return
    await this.note({ kind: 'knob', path, old })
    await this.sys.write(path, value)
  }

  async prepare(
    machine: MachineSpec,
    opts: {
      debugfs: boolean
      guest?: boolean
      /**
       * Runs the trace program's priming (HS_PRIME_RA) on `device`, a fresh rotational swap
       * device: see hs_prime_ra() in trace-c.ts. Called when the machine has a rotational device.
       */
      primeReadahead?: (device: string) => Promise<void>
    },
  ): Promise<Prepared> {
    const notGiven: string[] = []
    const settings: string[] = []
    const set = async (path: string, value: string | number | boolean): Promise<void> => {
      const text = typeof value === 'boolean' ? (value ? '1' : '0') : String(value)
      await this.knob(path, text)
      settings.push(`${path.replace(/^\/(sys|proc\/sys)\//, '')}=${text}`)
    }

    // zswap first: with it on, swap-out of a large folio takes another path.
    if (await this.sys.exists(`${ZSWAP}/enabled`)) {
      if (machine.zswap) {
        const compressor = machine.zswap_compressor === 'lzo' ? 'lzo-rle' : machine.zswap_compressor
        await set(`${ZSWAP}/compressor`, compressor).catch(() =>
          notGiven.push(`zswap_compressor ${machine.zswap_compressor}: not available here`),
        )
      }
      await this.knob(`${ZSWAP}/enabled`, machine.zswap ? 'Y' : 'N')
      settings.push(`zswap=${machine.zswap ? 'Y' : 'N'}`)
    } else if (machine.zswap) {
      notGiven.push('zswap: this kernel has no zswap')
    }

    await set(`${THP}/enabled`, machine.thp.enabled)
    await set(`${THP}/defrag`, machine.thp.defrag)
    await set(`${THP}/use_zero_page`, machine.thp.use_zero_page)
    for (const size of MTHP_SIZES) {
      const path = `${THP}/hugepages-${size}/enabled`
      if (await this.sys.exists(path)) await set(path, machine.thp.hugepages[size])
      else if (machine.thp.hugepages[size] !== 'never') {
        notGiven.push(`thp.hugepages['${size}']: this kernel has no ${size} mTHP`)
      }
    }
    const kh = machine.thp.khugepaged
    for (const name of [
      'pages_to_scan',
      'max_ptes_none',
      'max_ptes_swap',
      'max_ptes_shared',
      'defrag',
    ] as const) {
      await set(`${THP}/khugepaged/${name}`, kh[name])
    }
    // khugepaged scans when the scenario says (k.khugepaged), not on the host's clock.
    await set(`${THP}/khugepaged/scan_sleep_millisecs`, KHUGEPAGED_ASLEEP_MS)
    await set(`${THP}/khugepaged/alloc_sleep_millisecs`, KHUGEPAGED_ASLEEP_MS)
    notGiven.push(
      `khugepaged's background passes (every ${kh.scan_sleep_millisecs} ms in the model): on the host it scans only for k.khugepaged()`,
    )
    await set('/proc/sys/vm/page-cluster', machine.vm.page_cluster)
    await set('/proc/sys/vm/swappiness', machine.vm.swappiness)
    if (opts.guest) {
      // A guest meets memory pressure: its watermarks are the model's. (The host keeps its own.)
      await set('/proc/sys/vm/min_free_kbytes', machine.vm.min_free_kbytes)
      await set('/proc/sys/vm/watermark_scale_factor', machine.vm.watermark_scale_factor)
    }

    // swapon() reads it. A non-rotational device is SWP_SOLIDSTATE (swap clusters, VMA-based
    // readahead); one rotational swap device turns VMA readahead off for every device
    // (nr_rotate_swap) and swap-in reads around the swap offset (swap_cluster_readahead()).
    const setRotational = (device: string, type: SwapDeviceType): Promise<void> =>
      set(`/sys/block/${device.replace('/dev/', '')}/queue/rotational`, type === 'hdd' ? 1 : 0)

    const swap: SwapDevice[] = []
    let dir: string | undefined
    const scratch = async (): Promise<string> => {
      if (dir) return dir
      dir = await this.sys.tempDir()
      await this.note({ kind: 'dir', path: dir })
      return dir
    }
    // Swap files live on a filesystem of their own whose device is not rotational, as the
    // model's 'file' is: the host's own disk may be rotational (a VM's virtio disk is).
    let fileFs: { dir: string; describe: string } | undefined
    const swapFileDir = async (): Promise<{ dir: string; describe: string }> => {
      if (fileFs) return fileFs
      if (this.sys.swapFileDir) return (fileFs = await this.sys.swapFileDir())
      const bytes = machine.swap
        .filter((d) => d.type === 'file')
        .reduce((sum, d) => sum + d.sizeBytes, SWAP_FILE_FS_SLACK)
      const image = join(await scratch(), 'swapfile-fs.img')
      await this.note({ kind: 'file', path: image })
      await this.sys.run('truncate', ['-s', String(bytes), image])
      const loop = (
        await this.sys.run('losetup', ['--find', '--show', '--direct-io=on', image])
      ).trim()
      await this.note({ kind: 'loop', device: loop })
      await setRotational(loop, 'file')
      await this.sys.run('mkfs.ext4', ['-q', loop])
      const mnt = join(await scratch(), 'swapfile-fs')
      await this.note({ kind: 'dir', path: mnt })
      await this.sys.run('mkdir', [mnt])
      await this.note({ kind: 'mount', path: mnt })
      await this.sys.run('mount', ['-t', 'ext4', loop, mnt])
      return (fileFs = {
        dir: mnt,
        describe: `a swap file on ext4 on a loop device over a file (not rotational; its latencies are the host disk's)`,
      })
    }
    // Swap-in from a rotational device reads ahead from system-wide state that an earlier run
    // left behind (mm/swap_state.c swapin_nr_pages()): brought to the model's start first, on a
    // device of its own, before the scenario's devices are on.
    if (opts.primeReadahead && machine.swap.some((d) => d.type === 'hdd')) {
      let device: string
      if (this.sys.blockDevice) {
        device = (await this.sys.blockDevice(PRIME_DEVICE)).path
      } else {
        const image = join(await scratch(), 'prime.img')
        await this.note({ kind: 'file', path: image })
        await this.sys.run('truncate', ['-s', String(PRIME_DEVICE_BYTES), image])
        device = (
          await this.sys.run('losetup', ['--find', '--show', '--direct-io=on', image])
        ).trim()
        await this.note({ kind: 'loop', device })
      }
      await setRotational(device, 'hdd')
      await this.sys.run('mkswap', [device])
      await this.note({ kind: 'swapon', device })
      await opts.primeReadahead(device)
      settings.push(`swap readahead state primed on ${device}`)
    }
    for (const [index, dev] of machine.swap.entries()) {
      let path: string
      if (dev.type === 'zram') {
        path = await this.zram(dev.sizeBytes, dev.compressor, notGiven, index)
      } else if (dev.type === 'file') {
        const fs = await swapFileDir()
        path = join(fs.dir, `swapfile${index}`)
        notGiven.push(`swap[${index}] file: ${fs.describe}`)
        await this.note({ kind: 'file', path })
        await this.sys.run('fallocate', ['-l', String(dev.sizeBytes), path])
        await this.sys.run('chmod', ['600', path])
      } else if (this.sys.blockDevice) {
        const disk = await this.sys.blockDevice(index)
        path = disk.path
        await setRotational(path, dev.type)
        notGiven.push(`swap[${index}] ${dev.type}: ${disk.describe}`)
      } else {
        const image = join(await scratch(), `swap${index}.img`)
        await this.note({ kind: 'file', path: image })
        await this.sys.run('truncate', ['-s', String(dev.sizeBytes), image])
        // Direct I/O: the writes go to the disk, not into the host's page cache, so one does not
        // complete while reclaim is still looking at the folio (which would free it at once).
        path = (await this.sys.run('losetup', ['--find', '--show', '--direct-io=on', image])).trim()
        await this.note({ kind: 'loop', device: path })
        // A loop device takes its backing disk's rotational flag: the scenario's type decides.
        await setRotational(path, dev.type)
        notGiven.push(
          `swap[${index}] ${dev.type}: a loop device over a file (its latencies are the host disk's)`,
        )
      }
      await this.sys.run('mkswap', [path])
      const priority = dev.priority >= 0 ? dev.priority : undefined
      await this.note({ kind: 'swapon', device: path })
      await this.sys.run('swapon', priority === undefined ? [path] : ['-p', String(priority), path])
      swap.push({ index, path, ...(priority === undefined ? {} : { priority }) })
      settings.push(`swap[${index}]=${dev.type} ${dev.sizeBytes} bytes on ${path}`)
    }
    if (opts.debugfs && !(await this.sys.exists('/sys/kernel/debug/split_huge_pages'))) {
      await this.note({ kind: 'debugfs' })
      await this.sys.run('mount', ['-t', 'debugfs', 'none', '/sys/kernel/debug'])
    }

    const memTotal = Number(/MemTotal:\s+(\d+)/.exec(await this.sys.read('/proc/meminfo'))?.[1])
    // A guest has the scenario's RAM (its kernel's share is said by the caller).
    if (!opts.guest && memTotal * 1024 !== machine.memoryBytes) {
      notGiven.push(
        `memory ${machine.memoryBytes / 2 ** 20} MiB: the host has ${Math.round(memTotal / 1024)} MiB (no memory pressure is reproduced; a VM can)`,
      )
    }
    if (machine.fragmentation > 0)
      notGiven.push('fragmentation: pageblocks are as the host has them')
    if (machine.swap.some((d) => d.fragmentation > 0)) {
      notGiven.push('swap[].fragmentation: the swap devices start empty')
    }
    for (const [name, p] of Object.entries(machine.fault_injection)) {
      if (p > 0) notGiven.push(`fault_injection.${name}: no fault injection on the host`)
    }
    if (!machine.thp_swap)
      notGiven.push('thp_swap: false (CONFIG_THP_SWAP=n) needs another kernel build')
    const others = (await this.sys.read('/proc/swaps'))
      .split('\n')
      .slice(1)
      .map((l) => l.split(/\s+/)[0])
      .filter((d) => d && !swap.some((s) => s.path === d))
    if (others.length)
      notGiven.push(`other swap devices are on (${others.join(', ')}): they take pages by priority`)
    return { swap, notGiven, settings }
  }

  /** A zram device of `bytes` with `compressor`: zram0 when it is free, else a new one. */
  private async zram(
    bytes: number,
    compressor: string,
    notGiven: string[],
    index: number,
  ): Promise<string> {
    let n = -1
    for (let i = 0; i < 16; i++) {
      const size = await this.sys.read(`/sys/block/zram${i}/disksize`).catch(() => null)
      if (size === null) break
      if (size.trim() === '0') {
        n = i
        break
      }
    }
    if (n < 0) {
      if (!(await this.sys.exists('/sys/class/zram-control/hot_add'))) {
        await this.sys.run('modprobe', ['zram']).catch(() => '')
      }
      n = Number((await this.sys.read('/sys/class/zram-control/hot_add')).trim())
      await this.note({ kind: 'zram-added', index: n })
    }
    const algos = await this.sys.read(`/sys/block/zram${n}/comp_algorithm`)
    const wanted = compressor === 'lzo' ? 'lzo-rle' : compressor
    if (algos.split(/\s+/).some((a) => a.replace(/[[\]]/g, '') === wanted)) {
      await this.sys.write(`/sys/block/zram${n}/comp_algorithm`, wanted)
    } else {
      notGiven.push(`swap[${index}].compressor ${compressor}: zram here has ${algos.trim()}`)
    }
    await this.note({ kind: 'zram-disksize', device: `zram${n}` })
    await this.sys.write(`/sys/block/zram${n}/disksize`, String(bytes))
    return `/dev/zram${n}`
  }

  /** Undoes every change, newest first; a step that fails does not stop the others. */
  async restore(): Promise<string[]> {
    const problems: string[] = []
    while (this.changes.length) {
      const c = this.changes.pop()!
      try {
        await this.undo(c)
      } catch (e) {
        problems.push(`${describe(c)}: ${e instanceof Error ? e.message : String(e)}`)
      }
    }
    await this.sys.remove(this.journal).catch(() => undefined)
    return problems
  }

  private async undo(c: Change): Promise<void> {
    switch (c.kind) {
      case 'knob':
        return this.sys.write(c.path, c.old)
      case 'swapon': {
        const on = await this.sys.read('/proc/swaps')
        if (on.split('\n').some((l) => l.split(/\s+/)[0] === c.device)) {
          await this.sys.run('swapoff', [c.device])
        }
        return
      }
      case 'zram-disksize':
        return this.sys.write(`/sys/block/${c.device}/reset`, '1')
      case 'zram-added':
        return this.sys.write('/sys/class/zram-control/hot_remove', String(c.index))
      case 'loop':
        await this.sys.run('losetup', ['-d', c.device])
        return
      case 'file':
      case 'dir':
        return this.sys.remove(c.path)
      case 'mount': {
        const mounts = await this.sys.read('/proc/mounts')
        if (mounts.split('\n').some((l) => l.split(' ')[1] === c.path)) {
          await this.sys.run('umount', [c.path])
        }
        return
      }
      case 'debugfs':
        await this.sys.run('umount', ['/sys/kernel/debug'])
        return
    }
  }
}

function describe(c: Change): string {
  switch (c.kind) {
    case 'knob':
      return `${c.path} back to ${c.old}`
    case 'swapon':
      return `swapoff ${c.device}`
    case 'zram-disksize':
      return `reset ${c.device}`
    case 'zram-added':
      return `remove zram${c.index}`
    case 'loop':
      return `losetup -d ${c.device}`
    case 'file':
    case 'dir':
      return `remove ${c.path}`
    case 'mount':
      return `umount ${c.path}`
    case 'debugfs':
      return 'umount /sys/kernel/debug'
  }
}
