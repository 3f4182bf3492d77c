/**
 * VM mode of `hugeswap real`: the scenario meets a kernel booted in QEMU instead of the host's.
 *
 * The guest is a busybox initramfs. Its /init mounts proc, sysfs, devtmpfs, debugfs and cgroup2,
 * loads the modules the machine needs (zram and its compressors, virtio for the block devices,
 * ext4 for a swap file's filesystem) from the kernel's own module tree, and then serves a second
 * serial port (ttyS1) as a command channel: one base64 line in, the command's output, its exit
 * status and its stderr out. The kernel console goes to a log file on the host, shown when the
 * guest dies.
 *
 * Everything `real` does on the host it does in the guest through that channel: GuestSystem is
 * host.ts's System, so the same HostMachine sets the guest up as the scenario's machine. Block
 * swap devices are virtio disks (sparse files on the host, written through with cache=none), a
 * swap file lives on an ext2 scratch disk, and the guest has the scenario's RAM. The trace
 * program is built static on the host and copied in through the channel.
 *
 * QEMU runs with KVM when /dev/kvm works, else TCG (timings under TCG are not a machine's; the
 * counters are the kernel's).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import { gzipSync } from 'node:zlib'
import {
  chmod,
  copyFile,
  mkdir,
  mkdtemp,
  open,
  readFile,
  readdir,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises'
import { basename, join } from 'node:path'
import type { MachineSpec } from '../../sim/api'
import { PRIME_DEVICE, PRIME_DEVICE_BYTES, realSystem, type System } from './host'

/** Where Debian's linux-image-amd64 puts its kernels. */
const BOOT = '/boot'

export interface GuestKernel {
  /** The bzImage. */
  image: string
  /** Its release (`uname -r` in the guest), from the image's header. */
  release: string
  /** Its module tree, when there is one. */
  modules?: string
}

/**
 * The kernel release a bzImage reports: the setup header's kernel_version field points at the
 * version string (Documentation/arch/x86/boot.rst, "kernel_version" at 0x20E).
 */
export function bzImageRelease(header: Uint8Array): string | undefined {
  if (header.length < 0x210) return undefined
  const magic = String.fromCharCode(...header.subarray(0x202, 0x206))
  if (magic !== 'HdrS') return undefined
  const at = (header[0x20e] | (header[0x20f] << 8)) + 0x200
  if (at >= header.length) return undefined
  let end = at
  while (end < header.length && header[end] !== 0 && header[end] !== 0x20) end++
  const release = Buffer.from(header.subarray(at, end)).toString('latin1')
  return /^\d+\.\d+/.test(release) ? release : undefined
}

/** `debian` (the newest /boot/vmlinuz-* with its modules) or a path to a bzImage. */
export async function resolveGuestKernel(spec: string): Promise<GuestKernel> {
  let image = spec
  if (spec === 'debian') {
    const names = (await readdir(BOOT).catch(() => [] as string[]))
      .filter((n) => /^vmlinuz-\d/.test(n))
      .sort((a, b) => compareReleases(a.slice(8), b.slice(8)))
    if (!names.length) {
      throw new GuestError(
        `no kernel in ${BOOT}: apt-get install linux-image-amd64 (or give --kernel PATH to a bzImage)`,
      )
    }
    image = join(BOOT, names[names.length - 1])
  }
  const fh = await open(image, 'r').catch((err: NodeJS.ErrnoException) => {
    throw new GuestError(`cannot read the kernel ${image}: ${err.code ?? err.message}`)
  })
  const header = new Uint8Array(0x10000)
  try {
    await fh.read(header, 0, header.length, 0)
  } finally {
    await fh.close()
  }
  const release = bzImageRelease(header)
  if (!release) throw new GuestError(`${image} is not an x86 bzImage (no HdrS header)`)
  const modules = join('/lib/modules', release)
  const hasModules = await realSystem.exists(join(modules, 'modules.dep'))
  return { image, release, ...(hasModules ? { modules } : {}) }
}

function compareReleases(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((x) => Number(x) || 0)
  const pb = b.split(/[.-]/).map((x) => Number(x) || 0)
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0)
  }
  return 0
}

export class GuestError extends Error {}

/** What VM mode needs on the host, with how to get it (empty when all is there). */
export async function missingForVm(which: (cmd: string) => Promise<boolean>): Promise<string[]> {
  const missing: string[] = []
  if (!(await which('qemu-system-x86_64'))) missing.push('QEMU: apt-get install qemu-system-x86')
  if (!(await which('busybox'))) missing.push('a static busybox: apt-get install busybox-static')
  if (!(await which('cpio'))) missing.push('cpio: apt-get install cpio')
  if (!(await which('cc'))) missing.push('a C compiler: apt-get install gcc')
  return missing
}

/**
 * The modules to load, in order (dependencies first), for what the guest needs: zram and the
 * compressors it may be asked for, virtio block devices, ext4 (for a swap file's filesystem).
 */
export function moduleLoadOrder(modulesDep: string, builtin: string, wanted: string[]): string[] {
  const deps = new Map<string, string[]>()
  const byName = new Map<string, string>()
  for (const line of modulesDep.split('\n')) {
    const colon = line.indexOf(':')
    if (colon < 0) continue
    const path = line.slice(0, colon)
    deps.set(
      path,
      line
        .slice(colon + 1)
        .trim()
        .split(/\s+/)
        .filter(Boolean),
    )
    byName.set(moduleName(path), path)
  }
  const builtIn = new Set(builtin.split('\n').filter(Boolean).map(moduleName))
  const order: string[] = []
  const seen = new Set<string>()
  const visit = (path: string): void => {
    if (seen.has(path)) return
    seen.add(path)
    for (const d of deps.get(path) ?? []) visit(d)
    order.push(path)
  }
  for (const name of wanted) {
    const key = name.replace(/-/g, '_')
    if (builtIn.has(key)) continue
    const path = byName.get(key)
    if (path) visit(path)
  }
  return order
}

function moduleName(path: string): string {
  return basename(path)
    .replace(/\.ko(\.(xz|zst|gz))?$/, '')
    .replace(/-/g, '_')
}

/** Modules the guest loads when its kernel has them as modules. */
const GUEST_MODULES = [
  'zram',
  'lz4',
  'lz4hc',
  'zstd',
  'deflate',
  'virtio_pci',
  'virtio_blk',
  'ext4',
  // ext4 loads its checksum through the crypto API (a soft dependency modules.dep does not list).
  'crc32c_generic',
  'crc32c_intel',
]

const INIT = String.raw`#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mkdir -p /proc /sys /dev /tmp /run/hugeswap /var/tmp /scratch
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mkdir -p /sys/fs/cgroup
mount -t cgroup2 cgroup2 /sys/fs/cgroup && echo +memory > /sys/fs/cgroup/cgroup.subtree_control
mkdir -p /sys/fs/cgroup/hugeswap
while read -r m; do insmod "/modules/$m" || echo "hugeswap-init: insmod $m failed"; done < /modules.order
rm -rf /modules
for d in /sys/block/vd*; do
  [ -e "$d/serial" ] || continue
  if [ "$(cat $d/serial)" = hsscratch ]; then
    echo 0 > $d/queue/rotational
    mke2fs -q /dev/$(basename $d) && mount -t ext4 /dev/$(basename $d) /scratch
  fi
done
stty -F /dev/ttyS1 raw -echo -ixon -ixoff
exec sh /agent.sh < /dev/ttyS1 > /dev/ttyS1 2> /dev/console
`

/** The command channel: one base64 line in; stdout, then a status line, then stderr out. */
export const AGENT = String.raw`T="$HS_TMP"
[ -n "$T" ] || T=/tmp
echo "@@HS-READY $(uname -r)"
while IFS= read -r line; do
  printf '%s' "$line" | base64 -d > "$T/hs-cmd.sh"
  sh "$T/hs-cmd.sh" < /dev/null 2> "$T/hs-err"
  rc=$?
  printf '\n@@HS-RC %d %d\n' "$rc" "$(wc -c < "$T/hs-err")"
  cat "$T/hs-err"
done
`

/** One swap device of the scenario as a virtio disk. */
interface GuestDisk {
  serial: string
  image: string
  bytes: number
}

export interface GuestOptions {
  kernel: GuestKernel
  machine: MachineSpec
  /** RAM beyond the machine's, for the guest's kernel and initramfs. */
  extraRamBytes: number
  /** Log of the guest's console. */
  consoleLog: string
  /** Whether to try KVM; TCG otherwise. */
  kvm: boolean
  say?: (text: string) => void
}

export interface CommandResult {
  code: number
  stdout: string
  stderr: string
}

/** A booted guest and its command channel. */
export class Guest {
  private buffer = Buffer.alloc(0)
  private waiters: (() => void)[] = []
  private exited: string | undefined
  private queue: Promise<unknown> = Promise.resolve()
  /** The virtio disk each swap index got (its /dev name is found in the guest). */
  readonly disks: Map<number, GuestDisk>

  private constructor(
    private readonly qemu: ChildProcess,
    private readonly dir: string,
    readonly release: string,
    readonly accel: 'kvm' | 'tcg',
    disks: Map<number, GuestDisk>,
    private readonly consoleLog: string,
  ) {
    this.disks = disks
  }

  /**
   * The command channel of any process running AGENT on its stdin/stdout (tests run it under a
   * local sh); null when it did not say it is ready within `ms`.
   */
  static async serve(
    child: ChildProcess,
    opts: { dir: string; consoleLog: string; ms: number },
  ): Promise<Guest | null> {
    const guest = new Guest(child, opts.dir, '', 'tcg', new Map(), opts.consoleLog)
    return (await guest.waitFor(/@@HS-READY (\S+)\n/, opts.ms)) ? guest : null
  }

  /** Boots the guest and waits for its command channel (TCG: about 10 s; KVM: about 2 s). */
  static async boot(opts: GuestOptions): Promise<Guest> {
    const dir = await mkdtemp(join('/var/tmp', 'hugeswap-vm-'))
    try {
      const initrd = await buildInitramfs(dir, opts)
      const disks = new Map<number, GuestDisk>()
      const driveArgs: string[] = []
      const addDisk = async (serial: string, bytes: number): Promise<string> => {
        const image = join(dir, `${serial}.img`)
        const fh = await open(image, 'w')
        await fh.truncate(bytes)
        await fh.close()
        driveArgs.push(
          '-drive',
          `file=${image},format=raw,if=none,id=${serial},cache=none,aio=threads`,
          '-device',
          `virtio-blk-pci,drive=${serial},serial=${serial}`,
        )
        return image
      }
      let fileBytes = 0
      for (const [index, dev] of opts.machine.swap.entries()) {
        if (dev.type === 'nvme' || dev.type === 'hdd') {
          const serial = `hsswap${index}`
          disks.set(index, {
            serial,
            image: await addDisk(serial, dev.sizeBytes),
            bytes: dev.sizeBytes,
          })
        } else if (dev.type === 'file') fileBytes += dev.sizeBytes
      }
      if (fileBytes) await addDisk('hsscratch', fileBytes + 64 * 2 ** 20)
      // The device that primes swap readahead before a rotational one is used (host.ts).
      if (opts.machine.swap.some((d) => d.type === 'hdd')) {
        const serial = 'hsprime'
        disks.set(PRIME_DEVICE, {
          serial,
          image: await addDisk(serial, PRIME_DEVICE_BYTES),
          bytes: PRIME_DEVICE_BYTES,
        })
      }

      const memMiB = Math.ceil((opts.machine.memoryBytes + opts.extraRamBytes) / 2 ** 20)
      const tries: ('kvm' | 'tcg')[] = opts.kvm ? ['kvm', 'tcg'] : ['tcg']
      let lastError = ''
      for (const accel of tries) {
        const args = [
          '-nodefaults',
          '-no-reboot',
          '-display',
          'none',
          '-accel',
          accel,
          ...(accel === 'kvm' ? ['-cpu', 'host'] : ['-cpu', 'max']),
          '-smp',
          '2',
          '-m',
          String(memMiB),
          '-kernel',
          opts.kernel.image,
          '-initrd',
          initrd,
          '-append',
          'console=ttyS0 panic=-1 quiet transparent_hugepage=madvise',
          '-serial',
          `file:${opts.consoleLog}`,
          '-serial',
          'stdio',
          ...driveArgs,
        ]
        const qemu = spawn('qemu-system-x86_64', args, { stdio: ['pipe', 'pipe', 'pipe'] })
        const guest = new Guest(qemu, dir, opts.kernel.release, accel, disks, opts.consoleLog)
        const ready = await guest.waitFor(/@@HS-READY (\S+)\n/, accel === 'kvm' ? 30_000 : 180_000)
        if (ready) {
          opts.say?.(`(booted ${opts.kernel.image} under ${accel === 'kvm' ? 'KVM' : 'TCG'})\n`)
          return guest
        }
        lastError = guest.exited ?? `no answer from the guest after ${accel === 'kvm' ? 30 : 180} s`
        guest.kill()
        if (accel === 'kvm') opts.say?.(`(KVM did not boot the guest: ${lastError}; trying TCG)\n`)
      }
      const console = await readFile(opts.consoleLog, 'utf8').catch(() => '')
      throw new GuestError(
        `the guest did not come up: ${lastError}\n--- its console (last lines) ---\n${console.split('\n').slice(-25).join('\n')}`,
      )
    } catch (err) {
      await rm(dir, { recursive: true, force: true })
      throw err
    }
  }

  private attach(): void {
    this.qemu.stdout!.on('data', (b: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, b])
      for (const w of this.waiters.splice(0)) w()
    })
    const err: Buffer[] = []
    this.qemu.stderr!.on('data', (b: Buffer) => err.push(b))
    this.qemu.on('exit', (code, signal) => {
      this.exited = `QEMU exited (${signal ?? code})${err.length ? `: ${Buffer.concat(err).toString().trim()}` : ''}`
      for (const w of this.waiters.splice(0)) w()
    })
    this.qemu.on('error', (e) => {
      this.exited = `QEMU did not start: ${e.message}`
      for (const w of this.waiters.splice(0)) w()
    })
  }

  /**
   * Waits until `check` finds what it looks for in the channel's output (it consumes it), the
   * guest is gone, or `ms` pass (null).
   */
  private async until<T>(check: () => T | null, ms: number): Promise<T | null> {
    if (!this.qemu.stdout!.listenerCount('data')) this.attach()
    const deadline = Date.now() + ms
    for (;;) {
      const found = check()
      if (found !== null) return found
      if (this.exited || Date.now() >= deadline) return null
      await new Promise<void>((wake) => {
        const timer = setTimeout(wake, Math.max(0, deadline - Date.now()))
        this.waiters.push(() => {
          clearTimeout(timer)
          wake()
        })
      })
    }
  }

  /** Waits until the channel's output matches `re`, and consumes it up to the match's end. */
  private waitFor(re: RegExp, ms: number): Promise<RegExpExecArray | null> {
    return this.until(() => {
      const m = re.exec(this.buffer.toString('latin1'))
      if (m) this.buffer = this.buffer.subarray(m.index + m[0].length)
      return m
    }, ms)
  }

  /** The next `n` bytes of the channel. */
  private take(n: number, ms: number): Promise<Buffer | null> {
    return this.until(() => {
      if (this.buffer.length < n) return null
      const out = this.buffer.subarray(0, n)
      this.buffer = this.buffer.subarray(n)
      return out
    }, ms)
  }

  /** Runs a shell script in the guest (as root, stdin /dev/null). */
  exec(script: string, timeoutMs = 600_000): Promise<CommandResult> {
    const run = this.queue.then(() => this.execNow(script, timeoutMs))
    this.queue = run.catch(() => undefined)
    return run
  }

  private async execNow(script: string, timeoutMs: number): Promise<CommandResult> {
    if (this.exited) throw new GuestError(`the guest is gone: ${this.exited}`)
    this.qemu.stdin!.write(Buffer.from(script).toString('base64') + '\n')
    const end = await this.waitForEnd(timeoutMs)
    if (!end) {
      const console = await readFile(this.consoleLog, 'utf8').catch(() => '')
      throw new GuestError(
        `${this.exited ?? `the guest did not answer within ${timeoutMs / 1000} s`}\n--- its console (last lines) ---\n${console.split('\n').slice(-25).join('\n')}`,
      )
    }
    const err = await this.take(end.errBytes, 60_000)
    return { code: end.code, stdout: end.stdout, stderr: err?.toString('utf8') ?? '' }
  }

  /** A command's stdout, up to the status line that ends it. */
  private waitForEnd(
    ms: number,
  ): Promise<{ code: number; errBytes: number; stdout: string } | null> {
    return this.until(() => {
      const m = /\n@@HS-RC (\d+) (\d+)\n/.exec(this.buffer.toString('latin1'))
      if (!m) return null
      const stdout = this.buffer.subarray(0, m.index).toString('utf8')
      this.buffer = this.buffer.subarray(m.index + m[0].length)
      return { code: Number(m[1]), errBytes: Number(m[2]), stdout }
    }, ms)
  }

  /** Copies a host file into the guest (through the channel, gzip'd and base64'd). */
  async put(hostPath: string, guestPath: string, mode = '755'): Promise<void> {
    const bytes = await readFile(hostPath)
    const data = gzipSync(bytes, { level: 9 })
    const sum = createHash('sha256').update(bytes).digest('hex')
    const b64 = data.toString('base64').replace(/.{1,76}/g, '$&\n')
    const script = `base64 -d > ${guestPath}.gz <<'HSEOF'\n${b64}HSEOF\nrm -f ${guestPath} && gunzip ${guestPath}.gz && chmod ${mode} ${guestPath} && sha256sum ${guestPath}\n`
    const r = await this.exec(script)
    if (r.code !== 0 || !r.stdout.startsWith(sum)) {
      throw new GuestError(
        `copying ${basename(hostPath)} into the guest failed: ${r.stderr.trim()}`,
      )
    }
  }

  kill(): void {
    if (!this.exited) this.qemu.kill('SIGKILL')
  }

  async shutdown(): Promise<void> {
    this.kill()
    await new Promise<void>((done) => {
      if (this.exited) done()
      else this.qemu.once('exit', () => done())
    })
    await rm(this.dir, { recursive: true, force: true })
  }
}

async function buildInitramfs(dir: string, opts: GuestOptions): Promise<string> {
  const root = join(dir, 'root')
  for (const d of ['bin', 'modules', 'hs', 'tmp']) await mkdir(join(root, d), { recursive: true })
  const busybox = await findBusybox()
  await copyFile(busybox, join(root, 'bin/busybox'))
  await chmod(join(root, 'bin/busybox'), 0o755)
  await symlink('busybox', join(root, 'bin/sh'))
  await writeFile(join(root, 'init'), INIT, { mode: 0o755 })
  await writeFile(join(root, 'agent.sh'), AGENT)
  const order: string[] = []
  if (opts.kernel.modules) {
    const dep = await readFile(join(opts.kernel.modules, 'modules.dep'), 'utf8')
    const builtin = await readFile(join(opts.kernel.modules, 'modules.builtin'), 'utf8').catch(
      () => '',
    )
    for (const rel of moduleLoadOrder(dep, builtin, GUEST_MODULES)) {
      const name = `${moduleName(rel)}.ko`
      await writeFile(
        join(root, 'modules', name),
        await decompressModule(join(opts.kernel.modules, rel)),
      )
      order.push(name)
    }
  }
  await writeFile(join(root, 'modules.order'), order.map((n) => `${n}\n`).join(''))
  const out = join(dir, 'initramfs.cpio')
  await new Promise<void>((done, fail) => {
    // find . | cpio -o -H newc, with the file list built here.
    const c = spawn('cpio', ['-o', '-H', 'newc', '--quiet', '-O', out], {
      cwd: root,
      stdio: ['pipe', 'ignore', 'pipe'],
    })
    const err: Buffer[] = []
    c.stderr.on('data', (b: Buffer) => err.push(b))
    c.on('error', fail)
    c.on('close', (code) =>
      code === 0 ? done() : fail(new GuestError(`cpio failed: ${Buffer.concat(err).toString()}`)),
    )
    void readdir(root, { recursive: true }).then((files) =>
      c.stdin.end(['.', ...files.map((f) => `./${f}`)].join('\n') + '\n'),
    )
  })
  return out
}

async function findBusybox(): Promise<string> {
  for (const p of ['/usr/bin/busybox', '/bin/busybox', '/usr/lib/initramfs-tools/bin/busybox']) {
    if (await realSystem.exists(p)) return p
  }
  throw new GuestError('no busybox: apt-get install busybox-static')
}

async function decompressModule(path: string): Promise<Buffer> {
  const tool = path.endsWith('.xz')
    ? ['xz', '-dc']
    : path.endsWith('.zst')
      ? ['zstd', '-dcq']
      : path.endsWith('.gz')
        ? ['gzip', '-dc']
        : null
  if (!tool) return readFile(path)
  return new Promise((done, fail) => {
    const c = spawn(tool[0], [...tool.slice(1), path], { stdio: ['ignore', 'pipe', 'pipe'] })
    const out: Buffer[] = []
    c.stdout.on('data', (b: Buffer) => out.push(b))
    c.on('error', fail)
    c.on('close', (code) =>
      code === 0
        ? done(Buffer.concat(out))
        : fail(new GuestError(`cannot decompress ${path} (${tool[0]})`)),
    )
  })
}

/** Single-quoted for sh. */
export function shq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`
}

/** host.ts's System, carried out in the guest. */
export function guestSystem(guest: Guest): System {
  const ok = async (script: string): Promise<string> => {
    const r = await guest.exec(script)
    if (r.code !== 0) {
      const e = new Error(r.stderr.trim() || `exit status ${r.code}`) as NodeJS.ErrnoException
      if (/No such file/.test(r.stderr)) e.code = 'ENOENT'
      throw e
    }
    return r.stdout
  }
  const system: System = {
    read: (path) => ok(`cat ${shq(path)}`),
    write: async (path, text) => {
      await ok(`printf '%s' ${shq(text)} > ${shq(path)}`)
    },
    run: (cmd, args) => ok([cmd, ...args].map(shq).join(' ')),
    exists: async (path) => (await guest.exec(`[ -e ${shq(path)} ]`)).code === 0,
    tempDir: async () =>
      (
        await ok(
          '[ -d /scratch/lost+found ] || { echo "no scratch disk" >&2; exit 1; }; mktemp -d /scratch/hugeswap-real-XXXXXX',
        )
      ).trim(),
    remove: async (path) => {
      await ok(`rm -rf ${shq(path)}`)
    },
    // /init made the scratch disk non-rotational before mounting it.
    swapFileDir: async () => ({
      dir: await system.tempDir(),
      describe: 'a swap file on ext2 on a virtio disk (cache=none, not rotational)',
    }),
    blockDevice: async (index) => {
      const disk = guest.disks.get(index)
      if (!disk) throw new Error(`no virtio disk for swap[${index}]`)
      const name = (
        await ok(
          // `; true`: the loop's status is its last test's, false unless that disk is the match.
          `for d in /sys/block/vd*; do [ "$(cat $d/serial 2>/dev/null)" = ${disk.serial} ] && basename $d; done; true`,
        )
      ).trim()
      if (!name) throw new Error(`the guest has no disk with serial ${disk.serial}`)
      return {
        path: `/dev/${name}`,
        describe: `a virtio disk (cache=none) over a sparse file on the host`,
      }
    },
  }
  return system
}
