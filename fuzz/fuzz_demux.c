/* Demuxer target: the input is a container (any format libavformat probes) followed by a
 * 4-byte trailer choosing two seeks:
 *   [container][t0 t1 t2 t3]
 *   t0, t1: the first seek's target (frame number modulo the frame count, or with t2 bit0
 *           a pts inside the stream); t2 bit1: PREVIOUS_KEY instead of EXACT
 *   t2 bits2-7, t3: the second seek the same way (t3 the target, t2 bit2 by timestamp,
 *           bit3 PREVIOUS_KEY; bit4: a target just outside the stream)
 * The container is opened from a copy of exactly its bytes (ASan sees reads past the end),
 * the info read, every packet read (bounded), then the two seeks each followed by a few reads. */
#include "fuzz_common.h"

#define MAX_PACKETS 20000
#define READS_AFTER_SEEK 64

static void consume(const pxc_packet *pkt)
{
    const volatile uint8_t *p = pkt->data;
    uint8_t acc = 0;
    for (size_t i = 0; i < pkt->size; i++) acc ^= p[i];
    (void)acc;
}

static void read_some(pxc_demuxer *dmx, size_t max)
{
    pxc_packet pkt;
    pxc_packet_init(&pkt);
    for (size_t i = 0; i < max; i++) {
        pxc_status st = pxc_demuxer_read_packet(dmx, &pkt);
        if (st != PXC_OK) {
            if (pxc_demuxer_last_error(dmx)[0] == '\0') abort(); /* every error carries its detail */
            continue;
        }
        if (pkt.size == 0) break;
        consume(&pkt);
    }
}

static void seek_once(pxc_demuxer *dmx, const pxc_video_info *info, uint32_t value, int by_ts, int prev_key,
                      int outside)
{
    int64_t target;
    int64_t n = info->num_frames > 0 ? info->num_frames : 1;
    if (by_ts) {
        double span = info->duration > 0 && info->time_base_num > 0
                          ? info->duration * info->time_base_den / info->time_base_num + 1
                          : (double)n;
        int64_t s = span >= 1 && span < 9e18 ? (int64_t)span : 1;
        if (outside) {
            if (__builtin_sub_overflow(info->start_pts, 1 + (int64_t)value, &target)) return;
        } else if (__builtin_add_overflow(info->start_pts, (int64_t)value % s, &target)) {
            return;
        }
    } else {
        target = outside ? n + (int64_t)value : (int64_t)value % n;
    }
    int64_t tpts = 0;
    pxc_status st = pxc_demuxer_seek(dmx, target, by_ts ? PXC_SEEK_BY_TIMESTAMP : PXC_SEEK_BY_FRAME,
                                     prev_key ? PXC_SEEK_PREVIOUS_KEY : PXC_SEEK_EXACT, &tpts);
    if (st != PXC_OK) {
        if (pxc_demuxer_last_error(dmx)[0] == '\0') abort();
        if (outside && st != PXC_ERROR_INVALID_ARGUMENT) abort();
        return;
    }
    if (outside && !by_ts) abort(); /* a frame number past the end must be refused */
    if (!by_ts) {
        int64_t fp = 0;
        if (pxc_demuxer_frame_pts(dmx, target, &fp) != PXC_OK) abort();
        if (!prev_key && fp != tpts) abort();
    }
    pxc_packet pkt;
    pxc_packet_init(&pkt);
    if (pxc_demuxer_read_packet(dmx, &pkt) == PXC_OK && pkt.size) {
        if (!(pkt.flags & PXC_PACKET_DISCONTINUITY)) abort();
        if (!prev_key && pkt.skip_before_pts != tpts) abort();
        consume(&pkt);
    }
    read_some(dmx, READS_AFTER_SEEK);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t t[PXC_FUZZ_TRAILER] = {0, 0, 0, 0};
    if (size >= PXC_FUZZ_TRAILER) {
        memcpy(t, data + size - PXC_FUZZ_TRAILER, PXC_FUZZ_TRAILER);
        size -= PXC_FUZZ_TRAILER;
    }
    pxc_context *ctx = pxc_fuzz_context();
    pxc_demuxer *dmx = NULL;
    if (pxc_demuxer_open_memory(ctx, size ? data : NULL, size, PXC_MEMORY_COPY, &dmx) != PXC_OK) {
        if (dmx) abort();
        if (pxc_context_last_error(ctx)[0] == '\0') abort();
        return 0;
    }
    pxc_video_info info;
    memset(&info, 0, sizeof(info));
    info.struct_size = sizeof(info);
    if (pxc_demuxer_get_info(dmx, &info) != PXC_OK || info.num_frames <= 0 || info.width == 0 || info.height == 0)
        abort();
    size_t xs = 0;
    const uint8_t *x = pxc_demuxer_extradata(dmx, &xs);
    if (x) {
        volatile uint8_t acc = 0;
        for (size_t i = 0; i < xs; i++) acc ^= x[i];
        (void)acc;
    }
    for (int64_t f = 0; f < info.num_frames && f < 4; f++) {
        int64_t pts = 0, back = -1;
        if (pxc_demuxer_frame_pts(dmx, f, &pts) != PXC_OK) abort();
        int64_t again = 0;
        if (pxc_demuxer_frame_at(dmx, pts, &back) != PXC_OK || pxc_demuxer_frame_pts(dmx, back, &again) != PXC_OK ||
            again != pts)
            abort();
    }
    read_some(dmx, MAX_PACKETS);
    seek_once(dmx, &info, (uint32_t)t[0] | ((uint32_t)t[1] << 8), t[2] & 1, (t[2] >> 1) & 1, 0);
    seek_once(dmx, &info, t[3], (t[2] >> 2) & 1, (t[2] >> 3) & 1, (t[2] >> 4) & 1);
    pxc_demuxer_destroy(dmx);
    return 0;
}
