/*
 * The quantised DCT coefficients of one JPEG image, as the GPU pipeline's
 * stages hand them to each other:
 *
 *   entropy decoding (CPU: libjpeg-turbo's coefficient API, coefs_turbo.c;
 *   GPU: our own Huffman decoder) -> pxc_jpeg_coefs -> dequantisation, IDCT,
 *   upsampling and colour conversion (kernels, CPU reference in decode_ref.c)
 *
 *   colour conversion, downsampling, forward DCT and quantisation (kernels,
 *   CPU reference in encode_ref.c) -> pxc_jpeg_coefs -> entropy coding
 *
 * Plain C structures, usable from C, C++ and CUDA code.
 */
#ifndef PXC_JPEG_GPU_COEFS_H
#define PXC_JPEG_GPU_COEFS_H

#include <stddef.h>
#include <stdint.h>

#define PXC_JPEG_MAX_COMPONENTS 4

/* How the components map to colours (what libjpeg calls jpeg_color_space). */
typedef enum pxc_jpeg_colorspace {
    PXC_JPEG_CS_GRAY = 0,  /* 1 component */
    PXC_JPEG_CS_YCBCR = 1, /* 3 components, YCbCr (JFIF, or Adobe transform 1) */
    PXC_JPEG_CS_RGB = 2,   /* 3 components stored as RGB (Adobe transform 0) */
    PXC_JPEG_CS_CMYK = 3,  /* 4 components stored as CMYK */
    PXC_JPEG_CS_YCCK = 4   /* 4 components, YCbCr + K (Adobe transform 2) */
} pxc_jpeg_colorspace;

typedef struct pxc_jpeg_component {
    int h_samp, v_samp;           /* sampling factors (1..4) */
    uint32_t width, height;       /* samples of the component that belong to the image:
                                   * ceil(image_width * h_samp / max_h_samp), likewise height
                                   * (libjpeg's downsampled_width / downsampled_height) */
    uint32_t width_in_blocks;     /* blocks per row stored in coef (libjpeg's width_in_blocks,
                                   * which covers width rounded up to whole blocks) */
    uint32_t height_in_blocks;    /* rows of blocks stored in coef */
    uint32_t padded_blocks_w;     /* blocks per row of the MCU grid: whole MCUs, >= width_in_blocks */
    uint32_t padded_blocks_h;
    uint16_t quant[64];           /* quantisation table, natural (row-major) order */
    int16_t *coef;                /* padded_blocks_h rows of padded_blocks_w blocks, each 64
                                   * coefficients in natural order; block (bx, by) starts at
                                   * coef + ((size_t)by * padded_blocks_w + bx) * 64 */
} pxc_jpeg_component;

typedef struct pxc_jpeg_coefs {
    uint32_t width, height;       /* image size */
    int num_components;           /* 1, 3 or 4 */
    pxc_jpeg_colorspace colorspace;
    int adobe;                    /* an Adobe APP14 marker was present (CMYK / YCCK stored inverted) */
    int max_h_samp, max_v_samp;
    int progressive;              /* the coefficients came from a progressive stream */
    int unrefined;                /* progressive, and the scans left one of the first ten coefficients
                                   * (zigzag order) of a component short of full precision or never
                                   * sent it: libjpeg then smooths blocks when decoding to pixels
                                   * (do_block_smoothing), which the GPU stages do not */
    uint32_t restart_interval;    /* MCUs between restart markers (0: none) */
    pxc_jpeg_component comp[PXC_JPEG_MAX_COMPONENTS];
} pxc_jpeg_coefs;

#endif /* PXC_JPEG_GPU_COEFS_H */
