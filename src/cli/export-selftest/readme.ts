/**
 * The README.txt beside the exported selftest: how to build it, the kernel configuration, a
 * virtme-ng command line that sets up the scenario's machine (memory, swap devices, THP and vm
 * knobs, zswap), a usemem starting point for the same footprint, and what a real machine does not
 * reproduce.
 */
import type { VariantName } from '../../shared/result'
import { formatBytes } from './c-text'
import type { Recording } from './record'

/** vng --memory: whole GiB as `4G`, anything else in MiB, rounded up. */
function vngMemory(bytes: number): string {
  const g = bytes / 2 ** 30
  return Number.isInteger(g) ? `${g}G` : `${Math.ceil(bytes / 2 ** 20)}M`
}

/** README.txt for a recording, pointing at the C file `ctx.cFile`. */
export function generateReadme(
  rec: Recording,
  ctx: { name: string; cFile: string; variant: VariantName },
): string {
  const m = rec.machine
  const { title, file, seed } = rec.result.scenario
  const qemu: string[] = []
  const setup: string[] = []
  const hostPrep: string[] = []
  let vdisk = 0
  let zram = 0
  const vdev = (): string => `/dev/vd${String.fromCharCode(97 + vdisk++)}`
  m.swap.forEach((dev, i) => {
    const size = formatBytes(dev.sizeBytes)
    const prio = `-p ${dev.priority >= 0 ? dev.priority : 0}`
    if (dev.type === 'zram') {
      const z = `zram${zram++}`
      setup.push(
        ...(z === 'zram0' ? [] : ['cat /sys/class/zram-control/hot_add >/dev/null']),
        `echo ${dev.compressor === 'lzo' ? 'lzo-rle' : dev.compressor} > /sys/block/${z}/comp_algorithm`,
        `echo ${size} > /sys/block/${z}/disksize`,
        `mkswap /dev/${z} && swapon ${prio} /dev/${z}`,
      )
    } else if (dev.type === 'nvme') {
      hostPrep.push(`truncate -s ${size} swap${i}.img`)
      qemu.push(
        `-drive file=swap${i}.img,if=none,id=swap${i},format=raw -device nvme,serial=hsswap${i},drive=swap${i}`,
      )
      setup.push(
        `mkswap /dev/nvme${qemu.filter((q) => q.includes('nvme')).length - 1}n1 && swapon ${prio} /dev/nvme${qemu.filter((q) => q.includes('nvme')).length - 1}n1`,
      )
    } else if (dev.type === 'hdd') {
      hostPrep.push(`truncate -s ${size} swap${i}.img`)
      qemu.push(`-drive file=swap${i}.img,if=virtio,format=raw`)
      const d = vdev()
      setup.push(`mkswap ${d} && swapon ${prio} ${d}`)
    } else {
      hostPrep.push(`truncate -s ${formatBytes(dev.sizeBytes + 256 * 2 ** 20)} fs${i}.img`)
      qemu.push(`-drive file=fs${i}.img,if=virtio,format=raw`)
      const d = vdev()
      setup.push(
        `mkfs.ext4 -q ${d} && mkdir -p /mnt/swap${i} && mount ${d} /mnt/swap${i}`,
        `fallocate -l ${size} /mnt/swap${i}/swapfile && chmod 600 /mnt/swap${i}/swapfile`,
        `mkswap /mnt/swap${i}/swapfile && swapon ${prio} /mnt/swap${i}/swapfile`,
      )
    }
  })
  const thp = '/sys/kernel/mm/transparent_hugepage'
  const knobs = [
    `echo ${m.thp.enabled} > ${thp}/enabled`,
    `echo ${m.thp.defrag} > ${thp}/defrag`,
    `echo ${m.thp.use_zero_page ? 1 : 0} > ${thp}/use_zero_page`,
    ...Object.entries(m.thp.khugepaged)
      .filter(([k]) => k !== 'defrag')
      .map(([k, v]) => `echo ${String(v)} > ${thp}/khugepaged/${k}`),
    `echo ${m.thp.khugepaged.defrag ? 1 : 0} > ${thp}/khugepaged/defrag`,
    ...Object.entries(m.thp.hugepages)
      .filter(([size, v]) => !(size === '2048kB' ? v === 'inherit' : v === 'never'))
      .map(([size, v]) => `echo ${v} > ${thp}/hugepages-${size}/enabled`),
    `sysctl -q -w vm.page-cluster=${m.vm.page_cluster} vm.swappiness=${m.vm.swappiness} vm.watermark_scale_factor=${m.vm.watermark_scale_factor}`,
    ...(m.zswap
      ? [
          `echo ${m.zswap_compressor} > /sys/module/zswap/parameters/compressor`,
          `echo Y > /sys/module/zswap/parameters/enabled`,
        ]
      : ['{ echo N > /sys/module/zswap/parameters/enabled 2>/dev/null || true; }']),
  ]
  const script = [
    ...(m.swap.some((d) => d.type === 'zram') ? ['{ modprobe zram 2>/dev/null || true; }'] : []),
    ...setup,
    ...knobs,
    `./pmd_swap_${ctx.name}`,
  ]

  const spawns = rec.steps.filter((s) => s.method === 'spawn').length
  const perTask = new Map<number, number>()
  for (const s of rec.steps) {
    if (s.method === 'mmap') {
      const pid = s.args[0] as number
      perTask.set(pid, (perTask.get(pid) ?? 0) + (s.args[1] as number))
    }
  }
  const biggest = Math.max(0, ...perTask.values())
  const hugepage = rec.steps.some((s) => s.method === 'mmap' && s.args[2] === 'hugepage')
  const notModelled = [
    m.fragmentation > 0
      ? `machine.fragmentation ${m.fragmentation} (pre-fragmented pageblocks)`
      : '',
    m.swap.some((d) => d.fragmentation > 0)
      ? 'swap[].fragmentation (pre-fragmented swap clusters)'
      : '',
    Object.values(m.fault_injection).some((p) => p > 0)
      ? "machine.fault_injection (use the kernel's fault injection or a debug patch)"
      : '',
    !m.thp_swap ? 'thp_swap: false means a kernel built with CONFIG_THP_SWAP=n' : '',
    "the cost model (latencies are the simulator's, not this machine's)",
  ].filter((x) => x !== '')

  const vng = [
    `vng --run <kernel-tree> --memory ${vngMemory(m.memoryBytes)}`,
    ...(qemu.length ? [`    --qemu-opts '${qemu.join(' ')}'`] : []),
    `    --exec '${script.join(' && ')}'`,
  ]
  return [
    `${ctx.cFile} and this README were generated by hugeswap export-selftest`,
    `from ${file} ("${title}", seed ${seed}; expectations from the ${ctx.variant} variant).`,
    'Everything below is a STARTING POINT: check each command against your tools and kernel.',
    '',
    '1. Build',
    '',
    `   In a kernel tree: copy ${ctx.cFile} to tools/testing/selftests/mm/, add`,
    `   pmd_swap_${ctx.name} to TEST_GEN_FILES in its Makefile, then`,
    '     make -C tools/testing/selftests TARGETS=mm',
    `   Standalone: cc -O2 -Wall -o pmd_swap_${ctx.name} ${ctx.cFile}`,
    '',
    '2. Kernel configuration (beyond a defconfig)',
    '',
    '   CONFIG_TRANSPARENT_HUGEPAGE=y CONFIG_THP_SWAP=y CONFIG_SWAP=y CONFIG_MEMCG=y',
    '   CONFIG_ZRAM=m CONFIG_ZSWAP=y CONFIG_BLK_DEV_NVME=y CONFIG_VIRTIO_BLK=y CONFIG_EXT4_FS=y',
    '   CONFIG_DEBUG_FS=y (split_huge_pages), CONFIG_USERFAULTFD=y',
    '   e.g. vng --kconfig, then scripts/config -e ... and make olddefconfig.',
    '',
    "3. Run in virtme-ng with the scenario's machine",
    '',
    `   memory ${formatBytes(m.memoryBytes)}, swap ${m.swap.map((d) => `${d.type} ${formatBytes(d.sizeBytes)}`).join(' + ') || 'none'}, zswap ${m.zswap ? 'on' : 'off'},`,
    `   THP enabled=${m.thp.enabled} defrag=${m.thp.defrag}, vm.page-cluster=${m.vm.page_cluster}, vm.swappiness=${m.vm.swappiness}`,
    '',
    ...(hostPrep.length ? ['   On the host, first:', ...hostPrep.map((l) => `     ${l}`), ''] : []),
    '   From the directory holding the built test:',
    ...vng.map((l, i) => `     ${l}${i < vng.length - 1 ? ' \\' : ''}`),
    '',
    '   Run as root inside the VM (vng does by default). PMD_SWAP_DEVICE=<device> selects the',
    '   device for swapoff/swapon steps, as in pmd_swap.c.',
    '',
    '4. A usemem (vm-scalability) starting point for the same footprint',
    '',
    `     usemem -n ${Math.max(1, spawns)} ${formatBytes(biggest || 2 ** 21).toLowerCase()}`,
    '',
    `   (${Math.max(1, spawns)} process(es), the largest task mapping ${formatBytes(biggest || 2 ** 21)} in the scenario.)`,
    '   usemem takes no THP advice flag here: with THP enabled=always its anonymous memory is',
    `   THP-backed${hugepage ? ' (the scenario used MADV_HUGEPAGE; set enabled=always to match)' : ''}.`,
    '   To push it into swap, run it in a cgroup with memory.high below the footprint. Published',
    '   swap-out runs use this form (zswap large-folio series covers; check the flags against',
    '   your usemem --help):',
    '     usemem --init-time -w -O -s 10 -n 30 10g',
    '',
    '5. Not reproduced on a real machine',
    '',
    ...notModelled.map((l) => `   - ${l}`),
    '',
  ].join('\n')
}
