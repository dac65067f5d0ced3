/*
 * Host side of the parallel JPEG Huffman decoder: planning, phase 0 (byte
 * stuffing and restart segments), job set-up, result interpretation, and the
 * CPU reference that runs the kernels' per-thread functions (huffman.h) in
 * loops over threads, in the order the CUDA launcher runs the kernels.
 */
#include "codecs/jpeg/gpu/huffman_ref.h"

#include <stdlib.h>
#include <string.h>

_Static_assert(sizeof(pxc_jpeg_huff_state) == 12, "pxc_jpeg_huff_state must be 3 x uint32 (strided scans)");

#define SCAN_THREADS 1024                 /* threads of the single-block scan kernel */
#define MAX_DATA_BYTES ((size_t)1 << 29)  /* bit positions are uint32 */

/* Counts (and with outputs, writes) of one walk over the entropy-coded data. */
typedef struct ecs_walk {
    size_t bytes;
    uint32_t segments;
    uint64_t subseqs;
} ecs_walk;

static uint32_t expected_segments(const pxc_jpeg_huff_layout *L)
{
    if (!L->restart_interval) return 1;
    return (uint32_t)(((uint64_t)L->total_mcus + L->restart_interval - 1) / L->restart_interval);
}

/* Closes segment w->segments covering compacted bytes [start, w->bytes); writes it (and its subsequences) when asked. */
static void close_segment(const pxc_jpeg_huff_layout *L, ecs_walk *w, size_t start, uint32_t end_kind, uint32_t sub_bits,
                          pxc_jpeg_huff_segment *segs, pxc_jpeg_huff_subseq *subs)
{
    uint64_t bits = (uint64_t)(w->bytes - start) * 8;
    uint64_t nsub = bits ? (bits + sub_bits - 1) / sub_bits : 1;
    if (segs) {
        pxc_jpeg_huff_segment *s = &segs[w->segments];
        uint32_t ri = L->restart_interval ? L->restart_interval : L->total_mcus;
        s->start_bit = (uint32_t)(start * 8);
        s->end_bit = (uint32_t)(w->bytes * 8);
        s->first_mcu = w->segments * ri;
        s->num_mcus = L->total_mcus - s->first_mcu < ri ? L->total_mcus - s->first_mcu : ri;
        s->first_sub = (uint32_t)w->subseqs;
        s->num_subs = (uint32_t)nsub;
        s->end_kind = end_kind;
        s->pad_ = 0;
        for (uint64_t i = 0; i < nsub; i++) {
            pxc_jpeg_huff_subseq *u = &subs[w->subseqs + i];
            uint64_t b = s->start_bit + i * sub_bits;
            uint64_t e = b + sub_bits;
            u->start_bit = (uint32_t)b;
            u->end_bit = (uint32_t)(e < s->end_bit ? e : s->end_bit);
            u->segment = w->segments;
            u->flags = (i == 0 ? PXC_HD_HUFF_FIRST : 0u) | (i == nsub - 1 ? PXC_HD_HUFF_LAST : 0u);
        }
    }
    w->subseqs += nsub;
    w->segments++;
}

/*
 * Phase 0: removes byte stuffing (FF 00 -> FF; FF FF.. 00 -> FF like libjpeg),
 * splits at RSTn. With out == NULL only counts and checks.
 */
static pxc_status walk_ecs(const uint8_t *data, const pxc_jpeg_header *hdr, uint32_t sub_bits, uint8_t *out,
                           pxc_jpeg_huff_segment *segs, pxc_jpeg_huff_subseq *subs, ecs_walk *w, pxc_err *err)
{
    const pxc_jpeg_huff_layout *L = &hdr->layout;
    uint32_t expected = expected_segments(L);
    size_t p = hdr->ecs_begin, end = hdr->ecs_end, start = 0;
    memset(w, 0, sizeof(*w));
    while (p < end) {
        const uint8_t *f = (const uint8_t *)memchr(data + p, 0xFF, end - p);
        size_t q = f ? (size_t)(f - data) : end;
        if (out) memcpy(out + w->bytes, data + p, q - p);
        w->bytes += q - p;
        p = q;
        if (p >= end) break;
        size_t r = p + 1;
        while (r < end && data[r] == 0xFF) r++;
        if (r >= end) break; /* fill bytes before the final marker */
        if (data[r] == 0x00) {
            if (out) out[w->bytes] = 0xFF;
            w->bytes++;
            p = r + 1;
            continue;
        }
        /* RSTn (the parser ended the data at any other marker) */
        int n = data[r] - 0xD0;
        if (!L->restart_interval)
            return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                               "restart marker RST%d at offset %zu in a scan without a restart interval (no DRI)", n, r - 1);
        if ((uint32_t)n != (w->segments & 7))
            return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "restart marker RST%d at offset %zu where RST%u was expected",
                               n, r - 1, w->segments & 7);
        if (w->segments + 1 >= expected)
            return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                               "restart marker at offset %zu after the last of %u restart intervals", r - 1, expected);
        close_segment(L, w, start, PXC_HD_HUFF_END_RST, sub_bits, segs, subs);
        start = w->bytes;
        p = r + 1;
    }
    close_segment(L, w, start, hdr->ecs_ends_at_eof ? PXC_HD_HUFF_END_EOF : PXC_HD_HUFF_END_MARKER, sub_bits, segs,
                  subs);
    if (w->segments < expected) {
        if (hdr->ecs_ends_at_eof)
            return pxc_err_set(err, PXC_ERROR_TRUNCATED_DATA,
                               "JPEG data ends after %u of %u restart intervals", w->segments, expected);
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                           "the scan ends (at a marker) after %u of %u restart intervals", w->segments, expected);
    }
    return PXC_OK;
}

static size_t align16(size_t x) { return (x + 15) & ~(size_t)15; }

pxc_status pxc_jpeg_huffman_plan(const uint8_t *data, size_t size, const pxc_jpeg_header *hdr,
                                 size_t subsequence_bits, uint32_t sync_iterations, pxc_jpeg_huff_plan *plan,
                                 pxc_err *err)
{
    if (!data || !hdr || !plan) return pxc_err_set(err, PXC_ERROR_INVALID_ARGUMENT, "pxc_jpeg_huffman_plan: NULL argument");
    if (subsequence_bits < 32 || subsequence_bits > ((size_t)1 << 31))
        return pxc_err_set(err, PXC_ERROR_INVALID_ARGUMENT, "subsequence size %zu bits (32 .. 2^31 allowed)",
                           subsequence_bits);
    if (sync_iterations > 1024)
        return pxc_err_set(err, PXC_ERROR_INVALID_ARGUMENT, "%u sync iterations (at most 1024)", sync_iterations);
    if (hdr->ecs_end > size || hdr->ecs_begin > hdr->ecs_end)
        return pxc_err_set(err, PXC_ERROR_INVALID_ARGUMENT, "header does not belong to these %zu bytes", size);
    if (hdr->ecs_end - hdr->ecs_begin >= MAX_DATA_BYTES)
        return pxc_err_set(err, PXC_ERROR_LIMIT_EXCEEDED, "scan data of %zu bytes (the GPU decoder takes up to %zu)",
                           hdr->ecs_end - hdr->ecs_begin, MAX_DATA_BYTES - 1);
    const pxc_jpeg_huff_layout *L = &hdr->layout;
    if ((uint64_t)L->total_mcus * L->blocks_per_mcu > UINT32_MAX)
        return pxc_err_set(err, PXC_ERROR_LIMIT_EXCEEDED, "%u MCUs of %u blocks are too many", L->total_mcus,
                           L->blocks_per_mcu);
    ecs_walk w;
    pxc_status st = walk_ecs(data, hdr, (uint32_t)subsequence_bits, NULL, NULL, NULL, &w, err);
    if (st != PXC_OK) return st;
    if (w.subseqs > UINT32_MAX / 2)
        return pxc_err_set(err, PXC_ERROR_LIMIT_EXCEEDED, "%llu subsequences are too many",
                           (unsigned long long)w.subseqs);
    memset(plan, 0, sizeof(*plan));
    plan->num_segments = w.segments;
    plan->num_subseqs = (uint32_t)w.subseqs;
    plan->subsequence_bits = (uint32_t)subsequence_bits;
    plan->sync_iterations = sync_iterations;
    plan->data_bytes = w.bytes;
    size_t n = plan->num_subseqs, o = 0;
    plan->off_tables = o;
    o = align16(o + sizeof(pxc_jpeg_huff_dec_table) * PXC_HD_HUFF_NUM_TABLES);
    plan->off_segments = o;
    o = align16(o + sizeof(pxc_jpeg_huff_segment) * plan->num_segments);
    plan->off_subseqs = o;
    o = align16(o + sizeof(pxc_jpeg_huff_subseq) * n);
    plan->off_data = o;
    o = align16(o + w.bytes + PXC_HD_HUFF_DATA_PAD);
    plan->input_bytes = o;
    o = 0;
    plan->off_states0 = o;
    o = align16(o + sizeof(pxc_jpeg_huff_state) * n);
    plan->off_states1 = o;
    o = align16(o + sizeof(pxc_jpeg_huff_state) * n);
    plan->off_entries = o;
    o = align16(o + sizeof(pxc_jpeg_huff_state) * n);
    plan->off_flags = o;
    o = align16(o + sizeof(uint32_t) * (sync_iterations + 1u));
    plan->off_block_start = o;
    o = align16(o + sizeof(uint32_t) * n);
    plan->off_dc_sum = o;
    o = align16(o + sizeof(uint32_t) * 4 * n);
    plan->off_dc_pred = o;
    o = align16(o + sizeof(uint32_t) * 4 * n);
    plan->off_dc_range = o;
    o = align16(o + sizeof(uint32_t) * 2 * n);
    plan->off_result = o;
    o = align16(o + sizeof(unsigned long long));
    plan->scratch_bytes = o;
    return PXC_OK;
}

void pxc_jpeg_huffman_stage(const uint8_t *data, size_t size, const pxc_jpeg_header *hdr,
                            const pxc_jpeg_huff_plan *plan, void *input)
{
    (void)size;
    uint8_t *in = (uint8_t *)input;
    memcpy(in + plan->off_tables, hdr->tables, sizeof(pxc_jpeg_huff_dec_table) * PXC_HD_HUFF_NUM_TABLES);
    ecs_walk w;
    /* the plan's walk succeeded on the same data, so this one does too */
    (void)walk_ecs(data, hdr, plan->subsequence_bits, in + plan->off_data,
                   (pxc_jpeg_huff_segment *)(void *)(in + plan->off_segments),
                   (pxc_jpeg_huff_subseq *)(void *)(in + plan->off_subseqs), &w, NULL);
    memset(in + plan->off_data + plan->data_bytes, 0, plan->input_bytes - plan->off_data - plan->data_bytes);
}

void pxc_jpeg_huffman_job(const pxc_jpeg_huff_plan *plan, const pxc_jpeg_header *hdr, const void *input,
                          void *scratch, int16_t *const coef[PXC_JPEG_MAX_COMPONENTS],
                          const size_t coef_bytes[PXC_JPEG_MAX_COMPONENTS], pxc_jpeg_gpu_huff *job)
{
    const uint8_t *in = (const uint8_t *)input;
    uint8_t *sc = (uint8_t *)scratch;
    memset(job, 0, sizeof(*job));
    job->layout = hdr->layout;
    job->num_segments = plan->num_segments;
    job->num_subseqs = plan->num_subseqs;
    job->sync_iterations = plan->sync_iterations;
    job->tables = (const pxc_jpeg_huff_dec_table *)(const void *)(in + plan->off_tables);
    job->segments = (const pxc_jpeg_huff_segment *)(const void *)(in + plan->off_segments);
    job->subseqs = (const pxc_jpeg_huff_subseq *)(const void *)(in + plan->off_subseqs);
    job->data = in + plan->off_data;
    job->states[0] = (pxc_jpeg_huff_state *)(void *)(sc + plan->off_states0);
    job->states[1] = (pxc_jpeg_huff_state *)(void *)(sc + plan->off_states1);
    job->entries = (pxc_jpeg_huff_state *)(void *)(sc + plan->off_entries);
    job->flags = (uint32_t *)(void *)(sc + plan->off_flags);
    job->block_start = (uint32_t *)(void *)(sc + plan->off_block_start);
    job->dc_sum = (uint32_t *)(void *)(sc + plan->off_dc_sum);
    job->dc_pred = (uint32_t *)(void *)(sc + plan->off_dc_pred);
    job->dc_range = (uint32_t *)(void *)(sc + plan->off_dc_range);
    job->result = (unsigned long long *)(void *)(sc + plan->off_result);
    for (int c = 0; c < PXC_JPEG_MAX_COMPONENTS; c++) {
        job->coef[c] = coef[c];
        job->coef_bytes[c] = coef_bytes[c];
    }
}

pxc_status pxc_jpeg_huffman_result(const pxc_jpeg_huff_plan *plan, const void *host_input, unsigned long long result,
                                   pxc_err *err)
{
    if (result == PXC_HD_HUFF_OK_RESULT) return PXC_OK;
    uint32_t j = (uint32_t)(result >> 8);
    int code = (int)(result & 0xFF);
    if (j >= plan->num_subseqs)
        return pxc_err_set(err, PXC_ERROR_INTERNAL, "GPU Huffman decoder returned a bad result 0x%llx", result);
    const uint8_t *in = (const uint8_t *)host_input;
    const pxc_jpeg_huff_subseq *sub = (const pxc_jpeg_huff_subseq *)(const void *)(in + plan->off_subseqs) + j;
    const pxc_jpeg_huff_segment *seg = (const pxc_jpeg_huff_segment *)(const void *)(in + plan->off_segments) +
                                       sub->segment;
    uint32_t s = sub->segment, ns = plan->num_segments;
    uint32_t b0 = sub->start_bit - seg->start_bit;
    switch (code) {
    case PXC_HD_HUFF_BAD_CODE:
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                           "invalid Huffman code in the entropy-coded data (restart segment %u of %u, after bit %u of it)",
                           s + 1, ns, b0);
    case PXC_HD_HUFF_BAD_INDEX:
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                           "Huffman data runs past coefficient 63 of a block (restart segment %u of %u, after bit %u of it)",
                           s + 1, ns, b0);
    case PXC_HD_HUFF_OUT_OF_DATA:
        if (seg->end_kind == PXC_HD_HUFF_END_EOF)
            return pxc_err_set(err, PXC_ERROR_TRUNCATED_DATA,
                               "JPEG data ends before the last of the %u MCUs of restart segment %u of %u", seg->num_mcus,
                               s + 1, ns);
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                           "restart segment %u of %u ends at a marker before its %u MCUs are complete", s + 1, ns,
                           seg->num_mcus);
    default:
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                           "corrupt entropy-coded data before bit %u of restart segment %u of %u", b0, s + 1, ns);
    }
}

/* Single-block scan kernel emulated: SCAN_THREADS chunk aggregates, their exclusive scan, the chunks again. */
static void cpu_segscan(const pxc_jpeg_gpu_huff *job, const uint32_t *in, size_t stride, int lanes, uint32_t *out)
{
    uint32_t n = job->num_subseqs;
    uint32_t chunk = (n + SCAN_THREADS - 1) / SCAN_THREADS;
    pxc_hd_segscan_acc carry = pxc_hd_segscan_zero();
    for (uint32_t t = 0; t < SCAN_THREADS; t++) {
        uint32_t b = t * chunk, e = b + chunk;
        if (b > n) b = n;
        if (e > n) e = n;
        pxc_hd_segscan_acc agg = pxc_hd_segscan_chunk(job, in, stride, lanes, b, e);
        pxc_hd_segscan_apply(job, in, stride, lanes, out, b, e, carry);
        carry = pxc_hd_segscan_combine(carry, agg, lanes);
    }
}

void pxc_jpeg_huffman_run_cpu(const pxc_jpeg_gpu_huff *job)
{
    uint32_t n = job->num_subseqs, it = job->sync_iterations;
    /* init (the launcher's init kernel and memsets) */
    *job->result = PXC_HD_HUFF_OK_RESULT;
    for (uint32_t t = 0; t <= it; t++) job->flags[t] = 0;
    job->flags[0] = 1;
    for (int c = 0; c < PXC_JPEG_MAX_COMPONENTS; c++)
        if (job->coef[c]) memset(job->coef[c], 0, job->coef_bytes[c]);
    /* phase 1, sync rounds, fallback */
    for (uint32_t j = 0; j < n; j++) pxc_hd_huff_phase1(job, j);
    for (uint32_t t = 1; t <= it; t++)
        for (uint32_t j = 0; j < n; j++) pxc_hd_huff_sync(job, j, t);
    for (uint32_t s = 0; s < job->num_segments; s++) pxc_hd_huff_fallback(job, s);
    /* phase 2 */
    cpu_segscan(job, &job->states[it & 1][0].count, 3, 1, job->block_start);
    /* phase 3 */
    for (uint32_t j = 0; j < n; j++) {
        int code = pxc_hd_huff_decode(job, j);
        unsigned long long key = ((unsigned long long)j << 8) | (unsigned long long)code;
        if (code && key < *job->result) *job->result = key;
    }
    /* phase 3b, 4 */
    cpu_segscan(job, job->dc_sum, 4, 4, job->dc_pred);
    for (uint32_t j = 0; j < n; j++) pxc_hd_huff_dc(job, j);
}

pxc_status pxc_jpeg_huffman_decode_ref_ex(const uint8_t *data, size_t size, pxc_jpeg_coefs *out,
                                          size_t subsequence_bits, uint32_t sync_iterations, pxc_err *err)
{
    if (!out) return pxc_err_set(err, PXC_ERROR_INVALID_ARGUMENT, "pxc_jpeg_huffman_decode_ref: NULL output");
    memset(out, 0, sizeof(*out));
    pxc_jpeg_header *hdr = (pxc_jpeg_header *)malloc(sizeof(*hdr));
    if (!hdr) return pxc_err_set(err, PXC_ERROR_OUT_OF_MEMORY, "out of memory for the JPEG header");
    uint8_t *input = NULL, *scratch = NULL;
    int16_t *coef[PXC_JPEG_MAX_COMPONENTS] = {NULL, NULL, NULL, NULL};
    size_t coef_bytes[PXC_JPEG_MAX_COMPONENTS] = {0, 0, 0, 0};
    pxc_jpeg_huff_plan plan;
    pxc_jpeg_gpu_huff job;
    pxc_status st = pxc_jpeg_parse(data, size, hdr, out, err);
    if (st != PXC_OK) goto fail;
    st = pxc_jpeg_huffman_plan(data, size, hdr, subsequence_bits, sync_iterations, &plan, err);
    if (st != PXC_OK) goto fail;
    for (int c = 0; c < out->num_components; c++) {
        const pxc_jpeg_component *pc = &out->comp[c];
        if (!pxc_mul3_size(pc->padded_blocks_w, pc->padded_blocks_h, 64 * sizeof(int16_t), &coef_bytes[c])) {
            st = pxc_err_set(err, PXC_ERROR_LIMIT_EXCEEDED, "coefficient grid of component %d is too large", c);
            goto fail;
        }
        coef[c] = (int16_t *)calloc(1, coef_bytes[c] ? coef_bytes[c] : 1);
        if (!coef[c]) {
            st = pxc_err_set(err, PXC_ERROR_OUT_OF_MEMORY, "out of memory for %zu bytes of coefficients", coef_bytes[c]);
            goto fail;
        }
    }
    input = (uint8_t *)malloc(plan.input_bytes);
    scratch = (uint8_t *)malloc(plan.scratch_bytes);
    if (!input || !scratch) {
        st = pxc_err_set(err, PXC_ERROR_OUT_OF_MEMORY, "out of memory for the Huffman decoder's %zu + %zu bytes",
                         plan.input_bytes, plan.scratch_bytes);
        goto fail;
    }
    pxc_jpeg_huffman_stage(data, size, hdr, &plan, input);
    pxc_jpeg_huffman_job(&plan, hdr, input, scratch, coef, coef_bytes, &job);
    pxc_jpeg_huffman_run_cpu(&job);
    st = pxc_jpeg_huffman_result(&plan, input, *job.result, err);
    if (st != PXC_OK) goto fail;
    for (int c = 0; c < out->num_components; c++) out->comp[c].coef = coef[c];
    free(input);
    free(scratch);
    free(hdr);
    return PXC_OK;
fail:
    for (int c = 0; c < PXC_JPEG_MAX_COMPONENTS; c++) {
        free(coef[c]);
        out->comp[c].coef = NULL;
    }
    free(input);
    free(scratch);
    free(hdr);
    return st;
}

pxc_status pxc_jpeg_huffman_decode_ref(const uint8_t *data, size_t size, pxc_jpeg_coefs *out,
                                       size_t subsequence_bits, pxc_err *err)
{
    return pxc_jpeg_huffman_decode_ref_ex(data, size, out, subsequence_bits, PXC_JPEG_HUFF_SYNC_ITERATIONS, err);
}
