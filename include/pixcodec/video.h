/**
 * @file video.h
 * @brief Video: demuxing (containers and raw Annex-B streams), decoding
 *        (send packet / receive frame), decoded frames as YUV surfaces and
 *        their conversion to RGB-family images.
 *
 * Objects:
 * - pxc_demuxer: one container (file or memory) and its best video stream.
 *   Packets come out in decode order; H.264 / HEVC packets in Annex-B form
 *   (start codes, parameter sets in band), ready for a hardware parser.
 * - pxc_video_decoder: decodes one stream's packets. pxc_video_decoder_send_packet()
 *   feeds one packet (a packet with size 0, or NULL, starts the drain);
 *   pxc_video_decoder_receive_frame() returns frames in presentation order,
 *   PXC_NEED_MORE_INPUT when it needs another packet, PXC_END_OF_STREAM once
 *   drained. A packet flagged PXC_PACKET_DISCONTINUITY (the first packet after
 *   a seek) drops what is pending and restarts decoding from it.
 * - pxc_video_frame: one decoded frame, reference counted; its pixels are
 *   exposed as a surface (NV12 / P016 / YUV444 / YUV444_16) and can be
 *   converted (colour, crop, resize) into a pxc_image.
 *
 * Thread rules: one demuxer or decoder is used by one thread at a time;
 * frames may be read and converted from any thread while referenced.
 * Errors: a negative pxc_status, with the detail in pxc_demuxer_last_error()
 * / pxc_video_decoder_last_error(); for frame calls in pxc_context_last_error()
 * of the context the frame's decoder was created in.
 */
#ifndef PIXCODEC_VIDEO_H
#define PIXCODEC_VIDEO_H

#include <stddef.h>
#include <stdint.h>

#include "export.h"
#include "status.h"
#include "context.h"
#include "image.h"
#include "stream.h"

PXC_BEGIN_DECLS

/** Non-error outcomes of pxc_video_decoder_receive_frame() (positive, never errors). */
#define PXC_NEED_MORE_INPUT ((pxc_status)1) /**< no frame ready: send the next packet */
#define PXC_END_OF_STREAM ((pxc_status)2)   /**< drained: every frame has been returned */

/** Video codecs; the values are the seed decoder's codec ids (rocDecVideoCodec). */
typedef enum pxc_video_codec {
    PXC_VIDEO_CODEC_MPEG1 = 0,
    PXC_VIDEO_CODEC_MPEG2 = 1,
    PXC_VIDEO_CODEC_MPEG4 = 2,
    PXC_VIDEO_CODEC_H264 = 3,
    PXC_VIDEO_CODEC_HEVC = 4,
    PXC_VIDEO_CODEC_AV1 = 5,
    PXC_VIDEO_CODEC_VP8 = 6,
    PXC_VIDEO_CODEC_VP9 = 7,
    PXC_VIDEO_CODEC_MJPEG = 8,
    PXC_VIDEO_CODEC_UNKNOWN = 255 /**< a video stream of another codec (demuxed, not decoded) */
} pxc_video_codec;

/** Short lower-case name ("h264", "hevc", "av1", ...). Static string. */
PXC_API const char *pxc_video_codec_name(pxc_video_codec codec);

/** Chroma formats of a stream. */
typedef enum pxc_video_chroma {
    PXC_VIDEO_CHROMA_400 = 0, /**< monochrome */
    PXC_VIDEO_CHROMA_420 = 1,
    PXC_VIDEO_CHROMA_422 = 2,
    PXC_VIDEO_CHROMA_444 = 3
} pxc_video_chroma;

/** Colour description (values as in ITU-T H.273 / ISO 23091-2, as FFmpeg uses them). */
typedef struct pxc_video_color {
    int matrix;     /**< 1 BT.709, 5/6 BT.601, 9 BT.2020 NCL, 2 unspecified, ... */
    int primaries;  /**< 1 BT.709, 5/6 BT.601, 9 BT.2020, 2 unspecified, ... */
    int transfer;   /**< 1 BT.709, 16 PQ, 18 HLG, 2 unspecified, ... */
    int full_range; /**< 1 full (0..255), 0 limited (16..235) or unspecified */
} pxc_video_color;

/** What a demuxer knows of its video stream. */
typedef struct pxc_video_info {
    size_t struct_size;          /**< sizeof(pxc_video_info), set by the caller */
    pxc_video_codec codec;
    char codec_name[16];         /**< "h264", ...; for UNKNOWN the container's name for it */
    char container[32];          /**< "mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm", "h264", ... */
    uint32_t width, height;      /**< coded display size, before rotation */
    uint32_t bit_depth;          /**< 8, 10, 12 */
    pxc_video_chroma chroma;
    pxc_video_color color;
    double frame_rate;           /**< average frames per second (0 when unknown) */
    int32_t time_base_num;       /**< packet and frame timestamps are in num/den seconds */
    int32_t time_base_den;
    int64_t start_pts;           /**< pts of the first frame in presentation order */
    double duration;             /**< seconds (0 when unknown) */
    int64_t num_frames;          /**< frames in the stream, counted from its packets */
    int rotation;                /**< display rotation, clockwise degrees: 0, 90, 180, 270 */
    int stream_index;            /**< index of the video stream in the container */
} pxc_video_info;

/** Packet flags. */
#define PXC_PACKET_KEY 0x1           /**< a key frame (random access point) */
#define PXC_PACKET_DISCONTINUITY 0x2 /**< first packet after a seek: decoders restart here */

/**
 * One compressed packet. Filled by pxc_demuxer_read_packet(); data belongs to
 * the demuxer and stays valid until its next read or seek, or its destruction.
 * Callers feeding their own data fill data/size/pts and leave the rest 0.
 */
typedef struct pxc_packet {
    size_t struct_size;   /**< sizeof(pxc_packet), set by pxc_packet_init() */
    const uint8_t *data;
    size_t size;          /**< 0: end of stream (nothing more to read / drain the decoder) */
    int64_t pts;          /**< presentation timestamp in the stream time base (INT64_MIN: none) */
    int64_t dts;          /**< decode timestamp (INT64_MIN: none) */
    int64_t duration;     /**< in the time base (0: unknown) */
    uint32_t flags;       /**< PXC_PACKET_* */
    /** Exact seek: frames presented before this pts are decoded but not returned
        (INT64_MIN: return every frame). Set on the first packet after a seek. */
    int64_t skip_before_pts;
} pxc_packet;

/** Zeroes @p pkt, sets struct_size and the timestamps to INT64_MIN. */
PXC_API void pxc_packet_init(pxc_packet *pkt);

/* ---- demuxer ------------------------------------------------------------- */

typedef struct pxc_demuxer pxc_demuxer;

/**
 * @brief Opens a container file (MP4/MOV, MKV/WebM, AVI, MPEG-TS, raw Annex-B
 *        H.264 / HEVC, IVF, ...) and selects its best video stream.
 * The packets are scanned once at open (one read of the file, no decoding) to
 * count and index the frames: frame numbers and counts come from the packets
 * actually present, in presentation order, never from the header's estimate.
 * @return PXC_OK; PXC_ERROR_IO (cannot open), PXC_ERROR_UNSUPPORTED_FORMAT (no
 *         container recognised), PXC_ERROR_UNSUPPORTED_FEATURE (no video stream,
 *         e.g. audio only), PXC_ERROR_CORRUPT_DATA / PXC_ERROR_TRUNCATED_DATA.
 */
PXC_API pxc_status pxc_demuxer_open_file(pxc_context *ctx, const char *path, pxc_demuxer **out);

/** @brief The same over bytes in memory (borrowed: they must outlive the demuxer, or copied). */
PXC_API pxc_status pxc_demuxer_open_memory(pxc_context *ctx, const void *data, size_t size,
                                           pxc_memory_mode mode, pxc_demuxer **out);

/** @brief Closes the demuxer. Accepts NULL. */
PXC_API void pxc_demuxer_destroy(pxc_demuxer *dmx);

/** @brief Stream information (info->struct_size set by the caller). */
PXC_API pxc_status pxc_demuxer_get_info(pxc_demuxer *dmx, pxc_video_info *info);

/**
 * @brief Codec extradata as the decoder wants it (avcC / hvcC converted to
 *        Annex-B parameter sets for H.264 / HEVC); NULL and 0 when none.
 *        Owned by the demuxer.
 */
PXC_API const uint8_t *pxc_demuxer_extradata(pxc_demuxer *dmx, size_t *size);

/**
 * @brief Next packet of the video stream, in decode order. At the end of the
 *        stream returns PXC_OK with pkt->size == 0.
 */
PXC_API pxc_status pxc_demuxer_read_packet(pxc_demuxer *dmx, pxc_packet *pkt);

/** Seek modes. */
typedef enum pxc_seek_mode {
    PXC_SEEK_EXACT = 0,        /**< the frame asked for: decode from the key frame before it, skip the rest */
    PXC_SEEK_PREVIOUS_KEY = 1  /**< the key frame at or before the target */
} pxc_seek_mode;

/** What a seek target is. */
typedef enum pxc_seek_by {
    PXC_SEEK_BY_FRAME = 0,     /**< frame number, 0-based, in presentation order */
    PXC_SEEK_BY_TIMESTAMP = 1  /**< pts in the stream time base: the frame presented at that time */
} pxc_seek_by;

/**
 * @brief Seeks so that the next pxc_demuxer_read_packet() returns the packet
 *        to decode from (flagged PXC_PACKET_DISCONTINUITY; for PXC_SEEK_EXACT
 *        its skip_before_pts is the target frame's pts).
 * @param[out] target_pts (may be NULL) pts of the frame the seek lands on.
 * @return PXC_OK; PXC_ERROR_INVALID_ARGUMENT for a frame number or time out of range.
 */
PXC_API pxc_status pxc_demuxer_seek(pxc_demuxer *dmx, int64_t target, pxc_seek_by by, pxc_seek_mode mode,
                                    int64_t *target_pts);

/**
 * @brief Where an exact seek to frame @p frame_number (presentation order)
 *        starts decoding, without seeking: the frame number of that key frame
 *        (@p key_frame) and its packet's position in decode order (@p packet,
 *        0-based). Either may be NULL. Lets a caller that is decoding forward
 *        tell whether seeking saves work.
 */
PXC_API pxc_status pxc_demuxer_seek_start(pxc_demuxer *dmx, int64_t frame_number, int64_t *key_frame,
                                          int64_t *packet);

/**
 * @brief pts of frame @p frame_number (presentation order) from the demuxer's
 *        frame index; PXC_ERROR_INVALID_ARGUMENT when out of range.
 */
PXC_API pxc_status pxc_demuxer_frame_pts(pxc_demuxer *dmx, int64_t frame_number, int64_t *pts);

/** @brief Frame number (presentation order) of the frame presented at @p pts (the last one at or before it). */
PXC_API pxc_status pxc_demuxer_frame_at(pxc_demuxer *dmx, int64_t pts, int64_t *frame_number);

/** @brief Detail text of the last error on this demuxer. Never NULL. */
PXC_API const char *pxc_demuxer_last_error(const pxc_demuxer *dmx);

/* ---- frames ---------------------------------------------------------------- */

/** Surface formats; the values are the seed decoder's (rocDecVideoSurfaceFormat). */
typedef enum pxc_surface_format {
    PXC_SURFACE_NV12 = 0,      /**< 8-bit 4:2:0: Y plane, then interleaved CbCr at half height */
    PXC_SURFACE_P016 = 1,      /**< 16-bit 4:2:0 like NV12; 10/12-bit samples in the high bits */
    PXC_SURFACE_YUV444 = 2,    /**< 8-bit 4:4:4: Y, Cb, Cr planes */
    PXC_SURFACE_YUV444_16 = 3  /**< 16-bit 4:4:4; samples in the high bits */
} pxc_surface_format;

typedef struct pxc_video_frame pxc_video_frame;

/** A frame's surface: planes in host (or, for GPU decoders, device) memory. */
typedef struct pxc_video_surface {
    size_t struct_size;          /**< sizeof(pxc_video_surface), set by the caller */
    pxc_surface_format format;
    uint32_t width, height;      /**< luma size */
    uint32_t bit_depth;          /**< of the stream: 8, 10, 12 */
    uint32_t bytes_per_sample;   /**< 1 or 2 */
    uint32_t num_planes;         /**< 2 (NV12, P016) or 3 (YUV444) */
    const uint8_t *planes[3];
    size_t pitch[3];             /**< bytes between rows of each plane */
    uint32_t plane_height[3];    /**< rows of each plane */
    pxc_buffer_kind buffer_kind; /**< host unless a GPU decoder made the frame */
    int device_id;
} pxc_video_surface;

/** Stream facts carried by each frame. */
typedef struct pxc_video_frame_info {
    size_t struct_size;          /**< sizeof(pxc_video_frame_info), set by the caller */
    uint32_t width, height;      /**< display size */
    uint32_t bit_depth;
    pxc_video_chroma chroma;     /**< of the decoded picture (4:2:2 and 4:0:0 surfaces are 4:4:4 and 4:2:0;
                                      libavcodec's H.264 decoder gives monochrome streams as 4:2:0) */
    pxc_video_color color;
    int64_t pts;                 /**< stream time base; INT64_MIN when unknown */
    int64_t duration;
    int key_frame;
} pxc_video_frame_info;

PXC_API pxc_status pxc_video_frame_get_info(const pxc_video_frame *frame, pxc_video_frame_info *info);

/**
 * @brief The frame as a surface. 4:2:0 streams give NV12 (8-bit) or P016;
 *        4:4:4 and 4:2:2 streams YUV444 / YUV444_16 (4:2:2 chroma repeated
 *        horizontally); monochrome streams NV12 with neutral chroma. The planes
 *        belong to the frame and live as long as it does.
 */
PXC_API pxc_status pxc_video_frame_surface(pxc_video_frame *frame, pxc_video_surface *surface);

/** Output formats of a conversion; values 0..8 are the seed's OutputFormatEnum. */
typedef enum pxc_video_format {
    PXC_VIDEO_FORMAT_NATIVE = 0, /**< the surface itself (pxc_video_frame_surface()) */
    PXC_VIDEO_FORMAT_BGR = 1,
    PXC_VIDEO_FORMAT_BGR48 = 2,
    PXC_VIDEO_FORMAT_RGB = 3,
    PXC_VIDEO_FORMAT_RGB48 = 4,
    PXC_VIDEO_FORMAT_BGRA = 5,
    PXC_VIDEO_FORMAT_BGRA64 = 6,
    PXC_VIDEO_FORMAT_RGBA = 7,
    PXC_VIDEO_FORMAT_RGBA64 = 8,
    PXC_VIDEO_FORMAT_RGB_PLANAR = 9,    /**< 3 planes, 8-bit (CHW) */
    PXC_VIDEO_FORMAT_RGB48_PLANAR = 10  /**< 3 planes, 16-bit (CHW) */
} pxc_video_format;

/** Resize filters. */
typedef enum pxc_video_filter {
    PXC_VIDEO_FILTER_BILINEAR = 0,
    PXC_VIDEO_FILTER_AREA = 1,
    PXC_VIDEO_FILTER_BICUBIC = 2,
    PXC_VIDEO_FILTER_NEAREST = 3
} pxc_video_filter;

/** How to convert a frame. */
typedef struct pxc_video_convert_params {
    size_t struct_size;          /**< set by pxc_video_convert_params_default() */
    pxc_video_format format;     /**< default RGB */
    /** Crop rectangle (left, top, right, bottom) in frame pixels, right and bottom
        exclusive; all 0 = whole frame. Every cropped pixel is what a conversion of
        the whole frame gives it (odd offsets on subsampled chroma included);
        resizing then scales the cropped rectangle. */
    uint32_t crop_left, crop_top, crop_right, crop_bottom;
    uint32_t width, height;      /**< output size; 0 = the (cropped) size */
    pxc_video_filter filter;     /**< default BILINEAR */
    /** Override of the stream's colour: matrix (-1 = the stream's; an unspecified
        matrix is BT.601 below 720 lines and BT.709 from 720 lines on) and range
        (-1 = the stream's; unspecified = limited). */
    int matrix;
    int full_range;
    /** 1: full chroma interpolation and accurate rounding (smoother colour edges,
        about 3-4x the conversion time); 0 (default): libswscale's fast paths, the
        pixels ffmpeg and PyAV give by default. */
    int accurate;
} pxc_video_convert_params;

PXC_API void pxc_video_convert_params_default(pxc_video_convert_params *p);

/**
 * @brief Converts a frame into a new image (HWC for interleaved formats, CHW
 *        for planar ones, u8 or u16 samples; alpha opaque). 8-bit sources to
 *        16-bit formats and 10/12-bit sources to 8-bit formats are scaled.
 *        CPU frames are converted with libswscale (the scaler flags of the
 *        filter, plus accurate rounding and full chroma interpolation when
 *        params->accurate is set; its planar
 *        RGB path filters chroma vertically with exact weights where its 1:1
 *        interleaved path takes the nearer chroma row or the mean of two, so
 *        planar and interleaved results may differ slightly at chroma edges).
 * @return PXC_OK; PXC_ERROR_INVALID_ARGUMENT (bad parameters, crop outside the
 *         frame, format NATIVE), PXC_ERROR_LIMIT_EXCEEDED (output over the
 *         context's limits); the detail in pxc_context_last_error().
 * @param[out] out receives a new image owned by the caller (pxc_image_destroy()).
 */
PXC_API pxc_status pxc_video_frame_convert(pxc_video_frame *frame, const pxc_video_convert_params *params,
                                           pxc_image **out);
/* Frames in device memory (the GPU decoder's) convert on the GPU into a device image on the
   frame's device: the arithmetic of libswscale's accurate path (params->accurate is implied),
   within 1; bicubic resizing is not available there (PXC_ERROR_UNSUPPORTED_FEATURE). */

/** @brief The same into a caller's image of the right size, channels, type and layout
 *         (colour spec UNKNOWN or the format's; any strides), in host or device memory
 *         (converted where the frame is, then copied). The image is not resized. A device
 *         image is written after the work queued before on the legacy default stream (where
 *         CuPy and PyTorch queue theirs by default); work on other streams that uses it must be
 *         finished first. */
PXC_API pxc_status pxc_video_frame_convert_into(pxc_video_frame *frame, const pxc_video_convert_params *params,
                                                pxc_image *dst);

/**
 * @brief Resizes a frame: a new frame (one reference, pxc_video_frame_release())
 *        holding the frame's picture, cropped by params' crop rectangle and
 *        scaled to params' width x height with its filter, in the frame's own
 *        YUV format and range (libswscale), so that its surface
 *        (pxc_video_frame_surface()) is the resized surface. params->format is
 *        ignored; NULL params keep the size. Crop offsets must not split a
 *        chroma sample (even offsets for 4:2:0). Frames in device memory are
 *        resized on the GPU (bilinear, area, nearest) into a device frame.
 */
PXC_API pxc_status pxc_video_frame_resize(pxc_video_frame *frame, const pxc_video_convert_params *params,
                                          pxc_video_frame **out);

/**
 * @brief A copy of a frame whose surface is in @p kind memory: PXC_BUFFER_DEVICE on
 *        @p device_id (-1: the frame's device, else the calling thread's current one), or
 *        PXC_BUFFER_HOST. A frame already in host memory is its own host copy (a new
 *        reference is returned; frames never change). Device frames and host copies of
 *        them convert and resize with pixcodec's GPU kernels (on the device) or their CPU
 *        references (on the host), which give libswscale's accurate results within 1.
 * @return PXC_OK; PXC_ERROR_BACKEND_UNAVAILABLE (no usable GPU), PXC_ERROR_OUT_OF_MEMORY.
 */
PXC_API pxc_status pxc_video_frame_copy(pxc_video_frame *frame, pxc_buffer_kind kind, int device_id,
                                        pxc_video_frame **out);

/** @brief Takes another reference to a frame. */
PXC_API pxc_video_frame *pxc_video_frame_ref(pxc_video_frame *frame);

/** @brief Drops a reference; the last one frees the frame. Accepts NULL. */
PXC_API void pxc_video_frame_release(pxc_video_frame *frame);

/* ---- decoder ----------------------------------------------------------------- */

typedef struct pxc_video_decoder pxc_video_decoder;

/** Where a video decoder runs. */
typedef enum pxc_video_backend {
    PXC_VIDEO_BACKEND_AUTO = 0, /**< the GPU where its decoder exists, a device is present and it supports the stream, else the CPU */
    PXC_VIDEO_BACKEND_CPU = 1,
    PXC_VIDEO_BACKEND_GPU = 2
} pxc_video_backend;

typedef struct pxc_video_decoder_settings {
    size_t struct_size;          /**< set by pxc_video_decoder_default_settings() */
    pxc_video_codec codec;
    pxc_video_backend backend;   /**< default AUTO */
    int device_id;               /**< GPU decoders */
    int num_threads;             /**< CPU decoding threads; 0 = the context's count plus one (libavcodec's own automatic choice; 1 for a single-threaded context) */
    const uint8_t *extradata;    /**< codec extradata (pxc_demuxer_extradata()); copied */
    size_t extradata_size;
    uint32_t max_width, max_height; /**< largest frame expected (0: any within the context's limits) */
    int zero_latency;            /**< 1: return each frame as soon as it is decoded (no reordering delay beyond the codec's) */
    int decode_only;             /**< 1: frames carry their facts but no pixels (the GPU decoder maps and copies
                                      nothing; for timing the decoding alone): their surface has the layout
                                      with NULL planes, and converting, resizing or copying them fails with
                                      PXC_ERROR_INVALID_ARGUMENT */
} pxc_video_decoder_settings;

PXC_API void pxc_video_decoder_default_settings(pxc_video_decoder_settings *s);

/**
 * @brief Creates a decoder for one stream.
 * The CPU decoder is libavcodec with frame threads (slice threads only with
 * zero_latency); AV1 goes through libdav1d. The GPU decoder is NVIDIA's NVDEC
 * (the driver's libcuda / libnvcuvid, loaded at run time; builds with CUDA):
 * H.264, HEVC, AV1, VP9, VP8, MPEG-1/2 as the GPU's decoder caps allow, 4:2:0
 * and 4:4:4 (4:2:2 has no NVDEC surface), its frames' surfaces in device memory
 * (pxc_video_frame_copy() makes host copies), converted and resized on the GPU.
 * AUTO takes the GPU where it can be used and its caps take the stream (checked
 * against the demuxer's facts by pxc_video_decoder_create_for(), and against the
 * GPU parser's view of the first sequence header: a stream found beyond the GPU,
 * or one no hardware decoder can be created for, then goes to the CPU decoder
 * with the packets sent so far), else the CPU.
 * @param s settings (NULL: defaults, i.e. H.264); the extradata is copied.
 * @param[out] out new decoder, owned by the caller (pxc_video_decoder_destroy()).
 * @return PXC_OK; PXC_ERROR_UNSUPPORTED_FEATURE (codec not decodable here),
 *         PXC_ERROR_BACKEND_UNAVAILABLE (backend GPU asked for without one),
 *         PXC_ERROR_INVALID_ARGUMENT; the detail in pxc_context_last_error().
 */
PXC_API pxc_status pxc_video_decoder_create(pxc_context *ctx, const pxc_video_decoder_settings *s,
                                            pxc_video_decoder **out);

/** @brief Creates a decoder for a demuxer's stream (codec and extradata from it). */
PXC_API pxc_status pxc_video_decoder_create_for(pxc_context *ctx, pxc_demuxer *dmx,
                                                const pxc_video_decoder_settings *s, pxc_video_decoder **out);

PXC_API void pxc_video_decoder_destroy(pxc_video_decoder *dec);

/** @brief "cpu" or "gpu": where this decoder runs. */
PXC_API const char *pxc_video_decoder_backend_name(const pxc_video_decoder *dec);

/**
 * @brief Feeds one packet (its bytes are copied before the call returns; size
 *        0 or NULL starts the drain).
 * One packet can always be sent after pxc_video_decoder_receive_frame()
 * returned PXC_NEED_MORE_INPUT (and after creation, a flush or a
 * discontinuity): when the codec cannot take it yet, the decoder keeps it and
 * feeds it during the next receive calls. Sending a further packet while one
 * is still kept fails with PXC_ERROR_INVALID_ARGUMENT (nothing is lost: receive
 * frames until PXC_NEED_MORE_INPUT and send it again). PXC_NEED_MORE_INPUT is
 * never returned here.
 * After a drain only a packet flagged PXC_PACKET_DISCONTINUITY (or
 * pxc_video_decoder_flush()) starts decoding again; other packets fail with
 * PXC_ERROR_INVALID_ARGUMENT. A second drain request is a no-op.
 * A discontinuity drops the kept packet and the frames not yet returned;
 * skip_before_pts (when not INT64_MIN) then hides frames whose pts is before
 * it, until the first frame at or after it (frames without a pts end the skipping).
 * Corrupt packets: PXC_ERROR_CORRUPT_DATA with the detail, here or from a later
 * receive (a kept packet found corrupt when the next one is sent is reported
 * by that send, which still takes its own packet); decoding may go on with the
 * next packet. Pictures larger than the
 * context's max_pixels or the settings' max_width / max_height:
 * PXC_ERROR_LIMIT_EXCEEDED.
 */
PXC_API pxc_status pxc_video_decoder_send_packet(pxc_video_decoder *dec, const pxc_packet *pkt);

/**
 * @brief Next decoded frame in presentation order: PXC_OK with *out (a new
 *        reference, pxc_video_frame_release()), PXC_NEED_MORE_INPUT, or
 *        PXC_END_OF_STREAM after a drain (again on every later call until a
 *        flush or a discontinuity). A resolution change mid-stream is
 *        handled inside: frames simply come out at the new size.
 * Frames may outlive the decoder. An error (corrupt data, a frame over the
 * limits) concerns one packet or frame: the next call goes on decoding.
 */
PXC_API pxc_status pxc_video_decoder_receive_frame(pxc_video_decoder *dec, pxc_video_frame **out);

/** @brief Drops pending frames and state; the next packet must start at a key frame. */
PXC_API pxc_status pxc_video_decoder_flush(pxc_video_decoder *dec);

/** @brief Whether @p codec at @p bit_depth can be decoded by @p backend on this machine/build. */
PXC_API int pxc_video_codec_supported(pxc_video_codec codec, uint32_t bit_depth, pxc_video_backend backend,
                                      int device_id);

PXC_API const char *pxc_video_decoder_last_error(const pxc_video_decoder *dec);

PXC_END_DECLS

#endif /* PIXCODEC_VIDEO_H */
