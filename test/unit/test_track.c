/* Soft-dirty tracking (mm-dump.c, classify_soft_dirty): which pages of an
 * area an incremental dump stores and which it takes from the base, from
 * what PAGEMAP_SCAN says of them.  (This machine's kernel has no soft-dirty
 * bits: the suite's incr mode tracks with userfaultfd here.) */
#include "unit.h"
#include "mm.h"
#include "pagemap.h"

static PageRun *run(uint64_t vaddr, uint64_t nr, uint64_t off, uint32_t version)
{
	PageRun *r = xmalloc(sizeof(*r));

	page_run__init(r);
	r->vaddr = vaddr;
	r->nr = nr;
	r->off = off;
	r->has_version = version != 0;
	r->version = version;
	return r;
}

static void expect(const struct page_runs *got, const uint64_t (*want)[4], size_t n,
		   const char *what)
{
	if (got->n != n)
		unit_fail(__FILE__, __LINE__, "%s: %zu runs, not %zu", what, got->n, n);
	for (size_t i = 0; i < n; i++) {
		const PageRun *r = got->v[i];

		if (r->vaddr != want[i][0] || r->nr != want[i][1])
			unit_fail(__FILE__, __LINE__, "%s %zu: %#" PRIx64 "+%" PRIu64 ", not %#" PRIx64 "+%" PRIu64,
				  what, i, r->vaddr, r->nr, want[i][0], want[i][1]);
		if (want[i][3] && (r->off != want[i][2] || r->version != want[i][3]))
			unit_fail(__FILE__, __LINE__, "%s %zu: offset %#" PRIx64 " of version %u, not %#" PRIx64
				  " of %" PRIu64, what, i, r->off, r->version, want[i][2],
				  want[i][3]);
	}
}

UNIT_TEST(soft_dirty_classify)
{
	/* the base (version 3): 8 pages of its own, 2 it took from version 1 */
	PageRun *runs[] = { run(0x10000, 8, 0, 0), run(0x20000, 2, 0x8000, 1) };
	MmEntry base = MM_ENTRY__INIT;
	base.pages = runs;
	base.n_pages = 2;
	const uint64_t P = PAGE_IS_PRESENT, S = PAGE_IS_SWAPPED, D = PAGE_IS_SOFT_DIRTY;
	const struct page_region r[] = {
		{ 0x10000, 0x12000, P },		/* clean: the base's */
		{ 0x12000, 0x13000, P | D },		/* written: stored */
		{ 0x13000, 0x14000, 0 },		/* a hole now: neither */
		{ 0x14000, 0x16000, S },		/* swapped, clean: the base's */
		{ 0x16000, 0x18000, P | PAGE_IS_FILE },	/* the file's page: neither */
		{ 0x18000, 0x1a000, P },		/* clean, not in the base: stored */
		{ 0x1e000, 0x21000, P },		/* partly in the base */
		{ 0x21000, 0x22000, P | D | S },	/* written (swapped out): stored */
		{ 0x22000, 0x23000, P | PAGE_IS_PFNZERO },	/* the zero page: neither */
	};
	struct page_runs found = { 0 }, refs = { 0 };
	static const uint64_t want_found[][4] = {
		{ 0x12000, 1 }, { 0x18000, 2 }, { 0x1e000, 2 }, { 0x21000, 1 },
	};
	static const uint64_t want_refs[][4] = {
		{ 0x10000, 2, 0, 3 }, { 0x14000, 2, 0x4000, 3 }, { 0x20000, 1, 0x8000, 1 },
	};

	classify_soft_dirty(r, ARRAY_SIZE(r), &base, 3, &found, &refs);
	expect(&found, want_found, ARRAY_SIZE(want_found), "stored");
	expect(&refs, want_refs, ARRAY_SIZE(want_refs), "from the base");
	/* stored pages get places in the image one after the other */
	for (size_t i = 1; i < found.n; i++)
		CHECK(found.v[i]->off == found.v[i - 1]->off + found.v[i - 1]->nr * 4096);
}

int main(int argc, char **argv)
{
	return UNIT_MAIN(argc, argv, UNIT_ENTRY(soft_dirty_classify));
}
