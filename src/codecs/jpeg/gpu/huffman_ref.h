/*
 * Host side of the parallel JPEG Huffman decoder (huffman.h): planning
 * (buffer sizes), phase 0 (byte-stuffing removal and restart segments, on
 * the host), filling a pxc_jpeg_gpu_huff job, turning the job's result into a
 * status, and the CPU reference that runs every phase with the kernels'
 * per-thread functions in a loop over "threads".
 *
 * GPU use: pxc_jpeg_parse -> pxc_jpeg_huffman_plan -> host buffer of
 * plan.input_bytes, pxc_jpeg_huffman_stage into it -> copy it to a device
 * buffer; device scratch of plan.scratch_bytes; device coefficient buffers of
 * the geometry's padded grids -> pxc_jpeg_huffman_job with the device
 * pointers -> pxc_jpeg_cuda_huffman_launch -> copy back the 8-byte result
 * (job.result) -> pxc_jpeg_huffman_result.
 */
#ifndef PXC_JPEG_GPU_HUFFMAN_REF_H
#define PXC_JPEG_GPU_HUFFMAN_REF_H

#include "codecs/jpeg/gpu/huffman.h"
#include "codecs/jpeg/gpu/jpeg_parse.h"

#define PXC_JPEG_HUFF_SYNC_ITERATIONS 8 /* sync rounds before the sequential fallback */

/* Sizes and offsets of the job's buffers. */
typedef struct pxc_jpeg_huff_plan {
    uint32_t num_segments, num_subseqs;
    uint32_t subsequence_bits;
    uint32_t sync_iterations;
    size_t data_bytes;        /* compacted entropy-coded bytes (without the padding) */
    /* input buffer: filled on the host by pxc_jpeg_huffman_stage, read-only for the kernels */
    size_t input_bytes;
    size_t off_tables, off_segments, off_subseqs, off_data;
    /* scratch buffer: written by the kernels */
    size_t scratch_bytes;
    size_t off_states0, off_states1, off_entries, off_flags, off_block_start, off_dc_sum, off_dc_pred, off_dc_range,
        off_result;
} pxc_jpeg_huff_plan;

/*
 * Walks the entropy-coded data hdr->ecs_begin..ecs_end of data once and sizes
 * the job: segments (checking the RSTn sequence and count against the
 * restart interval), subsequences of subsequence_bits bits (32 .. 2^31),
 * buffers. sync_iterations: rounds before the fallback (0 allowed).
 * Errors: CORRUPT_DATA (wrong, missing or extra restart markers),
 * TRUNCATED_DATA, LIMIT_EXCEEDED (more than 512 MiB of scan data),
 * INVALID_ARGUMENT.
 */
pxc_status pxc_jpeg_huffman_plan(const uint8_t *data, size_t size, const pxc_jpeg_header *hdr,
                                 size_t subsequence_bits, uint32_t sync_iterations, pxc_jpeg_huff_plan *plan,
                                 pxc_err *err);

/* Phase 0: fills the input buffer (plan->input_bytes at input): tables, segments, subsequences, compacted data. */
void pxc_jpeg_huffman_stage(const uint8_t *data, size_t size, const pxc_jpeg_header *hdr,
                            const pxc_jpeg_huff_plan *plan, void *input);

/*
 * Fills *job with pointers into input (the staged buffer, on the device for
 * the GPU) and scratch (plan->scratch_bytes), and the coefficient buffers
 * coef[c] of coef_bytes[c] bytes (the padded grid of component c).
 */
void pxc_jpeg_huffman_job(const pxc_jpeg_huff_plan *plan, const pxc_jpeg_header *hdr, const void *input,
                          void *scratch, int16_t *const coef[PXC_JPEG_MAX_COMPONENTS],
                          const size_t coef_bytes[PXC_JPEG_MAX_COMPONENTS], pxc_jpeg_gpu_huff *job);

/*
 * Status of a finished job from its result word; host_input is the staged
 * input buffer on the host (to name the failing restart segment).
 */
pxc_status pxc_jpeg_huffman_result(const pxc_jpeg_huff_plan *plan, const void *host_input, unsigned long long result,
                                   pxc_err *err);

/* Runs all phases of the job on the CPU, in the kernels' order, with the kernels' per-thread functions. */
void pxc_jpeg_huffman_run_cpu(const pxc_jpeg_gpu_huff *job);

/*
 * CPU reference of the GPU decoder: parses data, allocates out->comp[c].coef
 * (malloc, zeroed, padded grid of whole MCUs; free() each) and decodes with
 * subsequences of subsequence_bits bits. On error every coef is NULL.
 */
pxc_status pxc_jpeg_huffman_decode_ref(const uint8_t *data, size_t size, pxc_jpeg_coefs *out,
                                       size_t subsequence_bits, pxc_err *err);

/* The same with a chosen number of sync rounds (0 makes the sequential fallback do the work). */
pxc_status pxc_jpeg_huffman_decode_ref_ex(const uint8_t *data, size_t size, pxc_jpeg_coefs *out,
                                          size_t subsequence_bits, uint32_t sync_iterations, pxc_err *err);

#endif /* PXC_JPEG_GPU_HUFFMAN_REF_H */
