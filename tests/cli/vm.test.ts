/**
 * VM mode of `hugeswap real` without QEMU: the kernel release read from a bzImage header, the
 * module load order from modules.dep, and the command channel (the guest's agent script run by
 * a local sh, as /init runs it on ttyS1): output, status, stderr, binary-safe file copies, and
 * host.ts's System carried out through it.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  AGENT,
  Guest,
  bzImageRelease,
  guestSystem,
  moduleLoadOrder,
  shq,
} from '../../src/cli/real/vm'

describe('bzImageRelease', () => {
  it("reads the setup header's kernel_version string", () => {
    const h = new Uint8Array(0x800)
    h.set(Buffer.from('HdrS'), 0x202)
    const at = 0x500
    h[0x20e] = (at - 0x200) & 0xff
    h[0x20f] = (at - 0x200) >> 8
    h.set(Buffer.from('6.1.0-57-amd64 (debian-kernel@lists.debian.org) #1 SMP\0'), at)
    expect(bzImageRelease(h)).toBe('6.1.0-57-amd64')
    h.set(Buffer.from('XXXX'), 0x202)
    expect(bzImageRelease(h)).toBeUndefined()
  })
})

describe('moduleLoadOrder', () => {
  const dep = [
    'kernel/drivers/block/zram/zram.ko.xz: kernel/mm/zsmalloc.ko.xz',
    'kernel/mm/zsmalloc.ko.xz:',
    'kernel/drivers/virtio/virtio_pci.ko: kernel/drivers/virtio/virtio_pci_modern_dev.ko kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko',
    'kernel/drivers/virtio/virtio_pci_modern_dev.ko: kernel/drivers/virtio/virtio.ko',
    'kernel/drivers/virtio/virtio.ko:',
    'kernel/drivers/virtio/virtio_ring.ko:',
    'kernel/drivers/block/virtio_blk.ko: kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko',
  ].join('\n')

  it('puts every dependency first, once, and skips built-in and absent modules', () => {
    const order = moduleLoadOrder(dep, 'kernel/crypto/lz4.ko\n', [
      'zram',
      'lz4',
      'virtio_pci',
      'virtio_blk',
      'ext4',
    ])
    expect(order).toEqual([
      'kernel/mm/zsmalloc.ko.xz',
      'kernel/drivers/block/zram/zram.ko.xz',
      'kernel/drivers/virtio/virtio.ko',
      'kernel/drivers/virtio/virtio_pci_modern_dev.ko',
      'kernel/drivers/virtio/virtio_ring.ko',
      'kernel/drivers/virtio/virtio_pci.ko',
      'kernel/drivers/block/virtio_blk.ko',
    ])
  })
})

describe('the command channel', () => {
  let dir: string
  let guest: Guest

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hs-agent-'))
    await writeFile(join(dir, 'agent.sh'), AGENT)
    // The guest's agent keeps its two files in /tmp; here, in the test's own directory.
    const child = spawn('sh', [join(dir, 'agent.sh')], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, HS_TMP: dir },
    })
    const served = await Guest.serve(child, { dir, consoleLog: join(dir, 'console'), ms: 10_000 })
    if (!served) throw new Error('the agent did not start')
    guest = served
  })
  afterAll(async () => {
    await guest?.shutdown()
  })

  it('returns output, status and stderr, command after command', async () => {
    expect(await guest.exec('echo one; echo two >&2; exit 3')).toEqual({
      code: 3,
      stdout: 'one\n',
      stderr: 'two\n',
    })
    expect(await guest.exec("printf 'no newline'")).toEqual({
      code: 0,
      stdout: 'no newline',
      stderr: '',
    })
    // Output that looks like the protocol's own lines does not end a command early.
    expect((await guest.exec("printf '@@HS-RC 0 0\\nrest\\n'")).stdout).toBe('@@HS-RC 0 0\nrest\n')
    // Commands never read the channel itself.
    expect(await guest.exec('cat')).toEqual({ code: 0, stdout: '', stderr: '' })
  })

  it('copies a binary file byte for byte', async () => {
    const src = join(dir, 'blob')
    const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7919) & 0xff))
    await writeFile(src, bytes)
    await guest.put(src, join(dir, 'copied'), '600')
    expect(Buffer.compare(await readFile(join(dir, 'copied')), bytes)).toBe(0)
  })

  it("carries out host.ts's System with its arguments quoted", async () => {
    const sys = guestSystem(guest)
    const file = join(dir, "it's a knob")
    await sys.write(file, 'a b $(echo no) `no`')
    expect(await sys.read(file)).toBe('a b $(echo no) `no`')
    expect(await sys.exists(file)).toBe(true)
    expect(await sys.exists(join(dir, 'absent'))).toBe(false)
    await expect(sys.read(join(dir, 'absent'))).rejects.toMatchObject({ code: 'ENOENT' })
    expect(await sys.run('echo', ['x y', "'z'"])).toBe("x y 'z'\n")
    await sys.remove(file)
    expect(await sys.exists(file)).toBe(false)
    expect(shq("a'b")).toBe("'a'\\''b'")
  })
})
