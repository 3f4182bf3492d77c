/**
 * include/linux/mmzone.h: the LRU lists of a lruvec. The model keeps the two anonymous ones;
 * it has no page cache, so the file lists would always be empty.
 */

/** enum lru_list: LRU_INACTIVE_ANON */
export const LRU_INACTIVE_ANON = 0
/** enum lru_list: LRU_ACTIVE_ANON */
export const LRU_ACTIVE_ANON = 1

/** include/linux/mmzone.h DEF_PRIORITY: reclaim scans lru_size >> priority per pass. */
export const DEF_PRIORITY = 12

/**
 * struct lruvec: the LRU lists of one memory cgroup on the node. Folio ids, newest at the head
 * (-1 = empty); sizes in pages (lruvec_lru_size()).
 */
export class Lruvec {
  readonly heads = [-1, -1]
  readonly tails = [-1, -1]
  readonly pages = [0, 0]
  nrFolios = 0
}
