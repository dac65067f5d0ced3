/*
 * Parallel Huffman decoding of one baseline / extended sequential JPEG scan
 * (the approach of Weissenberger & Schmidt, "Massively Parallel Huffman
 * Decoding on GPUs", ICPP 2018, and its JPEG follow-up), as plain C
 * structures of pointers and sizes plus PXC_HD per-thread functions, so that
 * the CUDA kernels (huffman_kernels.cu) and the CPU reference (huffman_ref.c)
 * run the very same code.
 *
 * Phases (one "thread" per subsequence of SUB bits of the compacted stream):
 *   0  host: remove byte stuffing, split at RSTn into segments, cut each
 *      segment into subsequences (pxc_jpeg_huffman_stage, huffman_ref.h);
 *   1  every subsequence is decoded from its start with a guessed state
 *      (block 0 of the MCU, DC coefficient) up to the first symbol boundary
 *      at or after its end: that exit state is the next one's entry guess;
 *   1b sync iterations: a subsequence whose entry (the previous exit) changed
 *      is decoded again; repeated until nothing changes (the self-
 *      synchronisation of Huffman codes makes this take one or two rounds);
 *      after a fixed number of rounds a per-segment sequential fallback
 *      finishes the rest, so the result is exact in every case;
 *   2  exclusive segmented prefix sum of the blocks completed per
 *      subsequence: the first block (within its segment) of every subsequence;
 *   3  decode again from the exact entry states, writing coefficients
 *      (natural order; DC as differences) into the component block grids,
 *      and the sum of the DC differences per component per subsequence;
 *   3b exclusive segmented prefix sum of those DC sums;
 *   4  every subsequence turns its DC differences into values.
 * Errors: the smallest (subsequence << 8 | code) of all failing subsequences.
 */
#ifndef PXC_JPEG_GPU_HUFFMAN_H
#define PXC_JPEG_GPU_HUFFMAN_H

#include <stddef.h>
#include <stdint.h>

#include "codecs/jpeg/gpu/coefs.h"
#include "cuda/hd.h"

#define PXC_HD_HUFF_LOOKUP_BITS 9      /* codes up to this length are found with one table read */
#define PXC_HD_HUFF_DATA_PAD 8         /* zero bytes after the compacted data (reads of 5 bytes) */
#define PXC_HD_HUFF_MAX_BLOCKS 10      /* blocks in one MCU (libjpeg's D_MAX_BLOCKS_IN_MCU) */
#define PXC_HD_HUFF_NUM_TABLES 8       /* 0..3: DC tables 0..3, 4..7: AC tables 0..3 */
#define PXC_HD_HUFF_ERR_STATE 0xFFFFFFFFu /* bz of a state whose decode failed */
#define PXC_HD_HUFF_OK_RESULT 0xFFFFFFFFFFFFFFFFull /* the job's result when nothing failed */

/* Error codes of the per-thread decode (the low 8 bits of the job's result). */
#define PXC_HD_HUFF_BAD_CODE 1    /* a bit pattern that is no code of the table */
#define PXC_HD_HUFF_BAD_INDEX 2   /* run length beyond coefficient 63 */
#define PXC_HD_HUFF_OUT_OF_DATA 3 /* the segment ends before its last MCU */
#define PXC_HD_HUFF_BAD_ENTRY 4   /* entry state unknown because earlier data is corrupt */

/* Subsequence flags. */
#define PXC_HD_HUFF_FIRST 1u /* first subsequence of its segment (entry state known) */
#define PXC_HD_HUFF_LAST 2u  /* last subsequence of its segment */

/* How a segment's data ended (pxc_jpeg_huff_segment.end_kind). */
#define PXC_HD_HUFF_END_RST 0    /* by a restart marker */
#define PXC_HD_HUFF_END_MARKER 1 /* by another marker (EOI normally) */
#define PXC_HD_HUFF_END_EOF 2    /* the file ended */

/* One Huffman decode table: a 9-bit lookup plus the canonical-code slow path. */
typedef struct pxc_jpeg_huff_dec_table {
    uint16_t lookup[1 << PXC_HD_HUFF_LOOKUP_BITS]; /* by the next 9 bits: (length << 8) | symbol of
                                                    * a code of length <= 9; 0: longer or invalid */
    int32_t maxcode[18];   /* largest code of each length 1..16; -1 when there is none */
    int32_t valoffset[18]; /* symbol of code c of length l: huffval[c + valoffset[l]] */
    uint8_t huffval[256];  /* symbols in code order */
} pxc_jpeg_huff_dec_table;

/* The MCU structure of the scan and where its blocks go. */
typedef struct pxc_jpeg_huff_layout {
    uint32_t mcus_per_row, mcu_rows, total_mcus;
    uint32_t restart_interval;  /* MCUs per restart segment; 0: one segment */
    uint32_t blocks_per_mcu;    /* 1..10 */
    uint8_t blk_comp[PXC_HD_HUFF_MAX_BLOCKS]; /* component of each block of the MCU */
    uint8_t blk_dx[PXC_HD_HUFF_MAX_BLOCKS];   /* block column inside the component's MCU part */
    uint8_t blk_dy[PXC_HD_HUFF_MAX_BLOCKS];   /* block row inside the component's MCU part */
    uint8_t blk_dc[PXC_HD_HUFF_MAX_BLOCKS];   /* decode table index (0..3) for DC */
    uint8_t blk_ac[PXC_HD_HUFF_MAX_BLOCKS];   /* decode table index (4..7) for AC */
    uint8_t pad_[2];
    uint32_t comp_mcu_w[PXC_JPEG_MAX_COMPONENTS]; /* blocks of the component across one MCU
                                                   * (h_samp; 1 in a non-interleaved scan) */
    uint32_t comp_mcu_h[PXC_JPEG_MAX_COMPONENTS]; /* likewise down (v_samp or 1) */
    uint32_t comp_pitch[PXC_JPEG_MAX_COMPONENTS]; /* blocks per row of coef (padded_blocks_w) */
    uint32_t num_components;
} pxc_jpeg_huff_layout;

/* A restart segment of the compacted data. */
typedef struct pxc_jpeg_huff_segment {
    uint32_t start_bit, end_bit; /* its bits in the compacted data */
    uint32_t first_mcu, num_mcus;
    uint32_t first_sub, num_subs; /* its subsequences */
    uint32_t end_kind;            /* PXC_HD_HUFF_END_* */
    uint32_t pad_;
} pxc_jpeg_huff_segment;

/* A subsequence: the unit of work of one thread. */
typedef struct pxc_jpeg_huff_subseq {
    uint32_t start_bit, end_bit; /* end_bit: min(start + SUB, segment end) */
    uint32_t segment;
    uint32_t flags;              /* PXC_HD_HUFF_FIRST / _LAST */
} pxc_jpeg_huff_subseq;

/* Decoder state between symbols: bit position, block of the MCU and next coefficient. */
typedef struct pxc_jpeg_huff_state {
    uint32_t pos;   /* bit position in the compacted data */
    uint32_t bz;    /* (block in MCU << 8) | zigzag index of the next coefficient (0 = DC);
                     * PXC_HD_HUFF_ERR_STATE: decoding failed */
    uint32_t count; /* blocks completed since the entry state */
} pxc_jpeg_huff_state;

/*
 * Everything the kernels need, as DEVICE pointers (host pointers in the CPU
 * reference). Sizes and offsets come from pxc_jpeg_huffman_plan and the
 * pointers from pxc_jpeg_huffman_job (huffman_ref.h).
 */
typedef struct pxc_jpeg_gpu_huff {
    pxc_jpeg_huff_layout layout;
    uint32_t num_segments, num_subseqs;
    uint32_t sync_iterations;                 /* sync rounds before the sequential fallback */
    uint32_t pad_;
    const pxc_jpeg_huff_dec_table *tables;    /* PXC_HD_HUFF_NUM_TABLES */
    const pxc_jpeg_huff_segment *segments;    /* num_segments */
    const pxc_jpeg_huff_subseq *subseqs;      /* num_subseqs */
    const uint8_t *data;                      /* compacted bits + PXC_HD_HUFF_DATA_PAD zero bytes */
    pxc_jpeg_huff_state *states[2];           /* exit states, double-buffered, num_subseqs each */
    pxc_jpeg_huff_state *entries;             /* entry state each exit state was computed from */
    uint32_t *flags;                          /* sync_iterations + 1: "round t changed something" */
    uint32_t *block_start;                    /* phase 2: first block of each subsequence */
    uint32_t *dc_sum;                         /* phase 3: 4 per subsequence */
    uint32_t *dc_pred;                        /* phase 3b: 4 per subsequence */
    uint32_t *dc_range;                       /* phase 3: blocks [2j, 2j+1) whose DC j decoded */
    int16_t *coef[PXC_JPEG_MAX_COMPONENTS];   /* the components' padded block grids */
    size_t coef_bytes[PXC_JPEG_MAX_COMPONENTS]; /* their sizes (the launcher zeroes them) */
    unsigned long long *result;               /* PXC_HD_HUFF_OK_RESULT or (sub << 8) | code */
} pxc_jpeg_gpu_huff;

/* ---- small helpers -------------------------------------------------------- */

/* Natural (row-major) index of zigzag index k (0..63). */
PXC_HD int pxc_hd_jpeg_natural(int k)
{
    static const unsigned char nat[64] = {
        0,  1,  8,  16, 9,  2,  3,  10, 17, 24, 32, 25, 18, 11, 4,  5,  12, 19, 26, 33, 40, 48,
        41, 34, 27, 20, 13, 6,  7,  14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23,
        30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63};
    return nat[k & 63];
}

/* The 32 bits of data starting at bit pos (MSB first); reads bytes pos/8 .. pos/8 + 4. */
PXC_HD uint32_t pxc_hd_huff_peek32(const uint8_t *data, uint32_t pos)
{
    const uint8_t *p = data + (pos >> 3);
    uint64_t w = ((uint64_t)p[0] << 32) | ((uint64_t)p[1] << 24) | ((uint64_t)p[2] << 16) |
                 ((uint64_t)p[3] << 8) | (uint64_t)p[4];
    return (uint32_t)(w >> (8 - (pos & 7)));
}

/* Decodes the code at the top of bits: returns the symbol and sets *len, or -1 (no such code). */
PXC_HD int pxc_hd_huff_lookup(const pxc_jpeg_huff_dec_table *t, uint32_t bits, int *len)
{
    uint32_t e = t->lookup[bits >> (32 - PXC_HD_HUFF_LOOKUP_BITS)];
    if (e) {
        *len = (int)(e >> 8);
        return (int)(e & 0xFF);
    }
    for (int l = PXC_HD_HUFF_LOOKUP_BITS + 1; l <= 16; l++) {
        int32_t code = (int32_t)(bits >> (32 - l));
        if (code <= t->maxcode[l]) {
            *len = l;
            return t->huffval[(code + t->valoffset[l]) & 0xFF];
        }
    }
    return -1;
}

/* JPEG's EXTEND: the value of the s-bit magnitude field v (s >= 1). */
PXC_HD int pxc_hd_huff_extend(uint32_t v, int s)
{
    return v < (1u << (s - 1)) ? (int)v - (1 << s) + 1 : (int)v;
}

/* Whether two states are equal (position, block, coefficient index and count). */
PXC_HD int pxc_hd_huff_same(const pxc_jpeg_huff_state *a, const pxc_jpeg_huff_state *b)
{
    return a->pos == b->pos && a->bz == b->bz && a->count == b->count;
}

/*
 * Decodes one symbol at *st (DC difference, AC run/size or EOB/ZRL) of a
 * segment whose data ends at bit seg_end. Returns a negative error code
 * (-PXC_HD_HUFF_*) or flags: 1 = a coefficient was decoded (*k zigzag index,
 * *val value; k = 0: DC difference), 2 = the block was completed (count + 1).
 */
PXC_HD int pxc_hd_huff_step(const pxc_jpeg_gpu_huff *job, uint32_t seg_end, pxc_jpeg_huff_state *st,
                            int *k, int *val)
{
    uint32_t blk = st->bz >> 8, z = st->bz & 0xFF;
    const pxc_jpeg_huff_dec_table *t =
        &job->tables[z == 0 ? job->layout.blk_dc[blk] : job->layout.blk_ac[blk]];
    uint32_t bits = pxc_hd_huff_peek32(job->data, st->pos);
    uint32_t avail = seg_end - st->pos;
    int len = 0;
    int sym = pxc_hd_huff_lookup(t, bits, &len);
    if (sym < 0) return avail < 16 ? -PXC_HD_HUFF_OUT_OF_DATA : -PXC_HD_HUFF_BAD_CODE;
    int s = z == 0 ? sym : (sym & 15);
    int r = z == 0 ? 0 : (sym >> 4);
    if ((uint32_t)(len + s) > avail) return -PXC_HD_HUFF_OUT_OF_DATA;
    int ret = 0;
    int v = 0;
    if (s) v = pxc_hd_huff_extend((bits << len) >> (32 - s), s);
    if (z == 0) {
        *k = 0;
        *val = v;
        ret = 1;
        z = 1;
    } else if (s) {
        z += (uint32_t)r;
        if (z > 63) return -PXC_HD_HUFF_BAD_INDEX;
        *k = (int)z;
        *val = v;
        ret = 1;
        z++;
    } else if (r == 15) {
        z += 16; /* ZRL */
        if (z > 64) return -PXC_HD_HUFF_BAD_INDEX;
    } else {
        z = 64; /* EOB */
    }
    st->pos += (uint32_t)(len + s);
    if (z >= 64) {
        blk++;
        if (blk == job->layout.blocks_per_mcu) blk = 0;
        z = 0;
        st->count++;
        ret |= 2;
    }
    st->bz = (blk << 8) | z;
    return ret;
}

/*
 * Decodes subsequence j from the entry state (count ignored) up to the first
 * symbol boundary at or after its end; returns the exit state with the
 * blocks completed in count (an error state when decoding failed; its count
 * is then the blocks completed before the failure, so that the subsequences
 * after a failure past the segment's last block still start past that block).
 */
PXC_HD pxc_jpeg_huff_state pxc_hd_huff_run(const pxc_jpeg_gpu_huff *job, uint32_t j, pxc_jpeg_huff_state entry)
{
    const pxc_jpeg_huff_subseq *sub = &job->subseqs[j];
    uint32_t seg_end = job->segments[sub->segment].end_bit;
    pxc_jpeg_huff_state st = entry;
    st.count = 0;
    if (st.bz == PXC_HD_HUFF_ERR_STATE) {
        st.pos = 0;
        return st;
    }
    while (st.pos < sub->end_bit) {
        int k = 0, v = 0;
        if (pxc_hd_huff_step(job, seg_end, &st, &k, &v) < 0) {
            st.pos = 0;
            st.bz = PXC_HD_HUFF_ERR_STATE; /* count keeps the blocks completed before the failure */
            break;
        }
    }
    return st;
}

/* The entry state of the first subsequence of segment seg (known exactly). */
PXC_HD pxc_jpeg_huff_state pxc_hd_huff_segment_entry(const pxc_jpeg_gpu_huff *job, uint32_t seg)
{
    pxc_jpeg_huff_state st;
    st.pos = job->segments[seg].start_bit;
    st.bz = 0;
    st.count = 0;
    return st;
}

/* Phase 1, thread j: decode from the subsequence start with the guessed state (block 0, DC). */
PXC_HD void pxc_hd_huff_phase1(const pxc_jpeg_gpu_huff *job, uint32_t j)
{
    const pxc_jpeg_huff_subseq *sub = &job->subseqs[j];
    pxc_jpeg_huff_state entry;
    if (sub->flags & PXC_HD_HUFF_FIRST) {
        entry = pxc_hd_huff_segment_entry(job, sub->segment);
    } else {
        entry.pos = sub->start_bit;
        entry.bz = 0;
        entry.count = 0;
    }
    job->entries[j] = entry;
    job->states[0][j] = pxc_hd_huff_run(job, j, entry);
}

/*
 * Sync round iter (1..sync_iterations), thread j: the entry of j is the exit
 * of j - 1 from round iter - 1; when it differs from the entry the exit of j
 * was computed from, j is decoded again. Sets flags[iter] when an exit state
 * changed. Does nothing when round iter - 1 changed nothing (both state
 * buffers are then equal and final).
 */
PXC_HD void pxc_hd_huff_sync(const pxc_jpeg_gpu_huff *job, uint32_t j, uint32_t iter)
{
    if (!job->flags[iter - 1]) return;
    const pxc_jpeg_huff_state *in = job->states[(iter - 1) & 1];
    pxc_jpeg_huff_state *out = job->states[iter & 1];
    if (job->subseqs[j].flags & PXC_HD_HUFF_FIRST) {
        out[j] = in[j];
        return;
    }
    pxc_jpeg_huff_state entry = in[j - 1];
    entry.count = 0;
    if (pxc_hd_huff_same(&entry, &job->entries[j])) {
        out[j] = in[j];
        return;
    }
    job->entries[j] = entry;
    pxc_jpeg_huff_state ex = pxc_hd_huff_run(job, j, entry);
    out[j] = ex;
    if (!pxc_hd_huff_same(&ex, &in[j])) job->flags[iter] = 1;
}

/*
 * Fallback after the last sync round, thread seg (one per segment): when the
 * rounds did not converge, walks the segment's subsequences in order from the
 * exact segment start, decoding each whose entry differs from the one its exit
 * state was computed from. Afterwards states[sync_iterations & 1] is exact.
 */
PXC_HD void pxc_hd_huff_fallback(const pxc_jpeg_gpu_huff *job, uint32_t seg)
{
    if (!job->flags[job->sync_iterations]) return;
    pxc_jpeg_huff_state *st = job->states[job->sync_iterations & 1];
    const pxc_jpeg_huff_segment *s = &job->segments[seg];
    pxc_jpeg_huff_state entry = pxc_hd_huff_segment_entry(job, seg);
    for (uint32_t j = s->first_sub; j < s->first_sub + s->num_subs; j++) {
        if (!pxc_hd_huff_same(&entry, &job->entries[j])) {
            job->entries[j] = entry;
            st[j] = pxc_hd_huff_run(job, j, entry);
        }
        entry = st[j];
        entry.count = 0;
    }
}

/* Coefficients of block g (counted in decode order within segment seg); *comp gets its component. */
PXC_HD int16_t *pxc_hd_huff_block(const pxc_jpeg_gpu_huff *job, const pxc_jpeg_huff_segment *seg, uint32_t g,
                                  uint32_t *comp)
{
    const pxc_jpeg_huff_layout *L = &job->layout;
    uint32_t m = seg->first_mcu + g / L->blocks_per_mcu;
    uint32_t b = g % L->blocks_per_mcu;
    uint32_t c = L->blk_comp[b];
    uint32_t bx = (m % L->mcus_per_row) * L->comp_mcu_w[c] + L->blk_dx[b];
    uint32_t by = (m / L->mcus_per_row) * L->comp_mcu_h[c] + L->blk_dy[b];
    *comp = c;
    return job->coef[c] + ((size_t)by * L->comp_pitch[c] + bx) * 64;
}

/*
 * Phase 3, thread j: decodes subsequence j from its exact entry state,
 * writing coefficients (DC as differences) from block block_start[j] on,
 * until the end of the subsequence (the last one of a segment: until the
 * segment's last block) or the segment's last block. Records the blocks whose
 * DC it decoded and the per-component sums of those DC differences. Returns 0
 * or a PXC_HD_HUFF_* error code.
 */
PXC_HD int pxc_hd_huff_decode(const pxc_jpeg_gpu_huff *job, uint32_t j)
{
    const pxc_jpeg_huff_subseq *sub = &job->subseqs[j];
    const pxc_jpeg_huff_segment *seg = &job->segments[sub->segment];
    uint32_t limit = seg->num_mcus * job->layout.blocks_per_mcu;
    uint32_t g = job->block_start[j];
    uint32_t sums[PXC_JPEG_MAX_COMPONENTS] = {0, 0, 0, 0};
    pxc_jpeg_huff_state st;
    if (sub->flags & PXC_HD_HUFF_FIRST) {
        st = pxc_hd_huff_segment_entry(job, sub->segment);
    } else {
        st = job->states[job->sync_iterations & 1][j - 1];
    }
    st.count = 0;
    uint32_t dc_begin = g;
    int err = 0;
    if (g < limit) {
        if (st.bz == PXC_HD_HUFF_ERR_STATE) {
            err = PXC_HD_HUFF_BAD_ENTRY;
        } else {
            if ((st.bz & 0xFF) != 0) dc_begin = g + 1;
            uint32_t comp = 0;
            int16_t *blk = pxc_hd_huff_block(job, seg, g, &comp);
            int last = (sub->flags & PXC_HD_HUFF_LAST) != 0;
            while (g < limit && (last || st.pos < sub->end_bit)) {
                int k = 0, v = 0;
                int r = pxc_hd_huff_step(job, seg->end_bit, &st, &k, &v);
                if (r < 0) {
                    err = -r;
                    break;
                }
                if (r & 1) {
                    blk[pxc_hd_jpeg_natural(k)] = (int16_t)v;
                    if (k == 0) sums[comp] += (uint32_t)v;
                }
                if (r & 2) {
                    g++;
                    if (g < limit) blk = pxc_hd_huff_block(job, seg, g, &comp);
                }
            }
        }
    }
    uint32_t dc_end = g;
    if (g < limit && (st.bz & 0xFF) != 0 && st.bz != PXC_HD_HUFF_ERR_STATE) dc_end = g + 1;
    if (dc_end < dc_begin) dc_end = dc_begin;
    job->dc_range[2 * (size_t)j] = dc_begin;
    job->dc_range[2 * (size_t)j + 1] = dc_end;
    for (int c = 0; c < PXC_JPEG_MAX_COMPONENTS; c++) job->dc_sum[4 * (size_t)j + (size_t)c] = sums[c];
    return err;
}

/* Phase 4, thread j: turns the DC differences j decoded into values (predictors from phase 3b). */
PXC_HD void pxc_hd_huff_dc(const pxc_jpeg_gpu_huff *job, uint32_t j)
{
    const pxc_jpeg_huff_segment *seg = &job->segments[job->subseqs[j].segment];
    uint32_t pred[PXC_JPEG_MAX_COMPONENTS];
    for (int c = 0; c < PXC_JPEG_MAX_COMPONENTS; c++) pred[c] = job->dc_pred[4 * (size_t)j + (size_t)c];
    uint32_t end = job->dc_range[2 * (size_t)j + 1];
    for (uint32_t g = job->dc_range[2 * (size_t)j]; g < end; g++) {
        uint32_t comp = 0;
        int16_t *blk = pxc_hd_huff_block(job, seg, g, &comp);
        pred[comp] += (uint32_t)(int32_t)blk[0];
        blk[0] = (int16_t)pred[comp];
    }
}

/* ---- exclusive segmented prefix sums over subsequences ----------------------
 * out[j] = 0 where subsequence j starts a segment, else out[j - 1] + in[j - 1],
 * for `lanes` (1..4) independent uint32 values per subsequence; in[j] lane l
 * is in[j * in_stride + l], out[j] lane l is out[j * lanes + l]. Computed in
 * chunks: the aggregate of every chunk, an exclusive scan of the aggregates
 * (pxc_hd_segscan_combine), then every chunk again from its carry. */

/* A partial result of the segmented sum: the sum since the last segment start, and whether one was seen. */
typedef struct pxc_hd_segscan_acc {
    uint32_t v[4];
    uint32_t flag;
} pxc_hd_segscan_acc;

/* Empty partial result. */
PXC_HD pxc_hd_segscan_acc pxc_hd_segscan_zero(void)
{
    pxc_hd_segscan_acc a;
    a.v[0] = a.v[1] = a.v[2] = a.v[3] = 0;
    a.flag = 0;
    return a;
}

/* a followed by b (associative, not commutative). */
PXC_HD pxc_hd_segscan_acc pxc_hd_segscan_combine(pxc_hd_segscan_acc a, pxc_hd_segscan_acc b, int lanes)
{
    pxc_hd_segscan_acc r;
    for (int l = 0; l < 4; l++) r.v[l] = 0;
    for (int l = 0; l < lanes; l++) r.v[l] = b.flag ? b.v[l] : a.v[l] + b.v[l];
    r.flag = a.flag | b.flag;
    return r;
}

/* Aggregate of the elements [begin, end). */
PXC_HD pxc_hd_segscan_acc pxc_hd_segscan_chunk(const pxc_jpeg_gpu_huff *job, const uint32_t *in, size_t in_stride,
                                               int lanes, uint32_t begin, uint32_t end)
{
    pxc_hd_segscan_acc a = pxc_hd_segscan_zero();
    for (uint32_t j = begin; j < end; j++) {
        pxc_hd_segscan_acc e;
        for (int l = 0; l < 4; l++) e.v[l] = l < lanes ? in[(size_t)j * in_stride + (size_t)l] : 0;
        e.flag = (job->subseqs[j].flags & PXC_HD_HUFF_FIRST) ? 1u : 0u;
        a = pxc_hd_segscan_combine(a, e, lanes);
    }
    return a;
}

/* Writes the exclusive results of the elements [begin, end) given the aggregate of everything before. */
PXC_HD void pxc_hd_segscan_apply(const pxc_jpeg_gpu_huff *job, const uint32_t *in, size_t in_stride, int lanes,
                                 uint32_t *out, uint32_t begin, uint32_t end, pxc_hd_segscan_acc carry)
{
    for (uint32_t j = begin; j < end; j++) {
        int first = (job->subseqs[j].flags & PXC_HD_HUFF_FIRST) != 0;
        for (int l = 0; l < lanes; l++) {
            uint32_t x = in[(size_t)j * in_stride + (size_t)l];
            if (first) carry.v[l] = 0;
            out[(size_t)j * (size_t)lanes + (size_t)l] = carry.v[l];
            carry.v[l] += x;
        }
    }
}

/* ---- the CUDA launcher (huffman_kernels.cu) ---------------------------------- */

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Runs every phase of the job on cuda_stream (a cudaStream_t; NULL: the
 * default stream): zeroes the coefficient buffers and the flags, then the
 * kernels in order. Stream-ordered: returns without waiting; the caller reads
 * *job->result after synchronising (pxc_jpeg_huffman_result). No allocation.
 * Returns the cudaError_t of the launches (0 = cudaSuccess).
 */
int pxc_jpeg_cuda_huffman_launch(const pxc_jpeg_gpu_huff *job, void *cuda_stream);

#ifdef __cplusplus
}
#endif

#endif /* PXC_JPEG_GPU_HUFFMAN_H */
