/* Core API: misuse, limits, options, backends, batches with bad members, threads. */
#include <pthread.h>
#include <stdint.h>

#include "test.h"

static pxc_context *make_ctx(int threads, uint64_t max_pixels, uint64_t max_bytes)
{
    pxc_context_settings s;
    pxc_context_default_settings(&s);
    s.num_threads = threads;
    s.max_pixels = max_pixels;
    s.max_bytes_per_image = max_bytes;
    pxc_context *ctx = NULL;
    CHECK_OK(pxc_context_create(&s, &ctx));
    return ctx;
}

/* A small valid image encoded by pixcodec itself in @p codec. */
static void *encode_sample(pxc_context *ctx, const char *codec, uint32_t w, uint32_t h, size_t *size)
{
    pxc_image_desc d;
    pxc_image_desc_init(&d);
    d.width = w;
    d.height = h;
    d.num_channels = 3;
    d.color_spec = PXC_COLOR_RGB;
    pxc_image *img = NULL;
    CHECK_OK(pxc_image_create(ctx, &d, NULL, &img));
    uint8_t *p = pxc_image_data(img);
    for (size_t i = 0; i < pxc_image_size_bytes(img); i++) p[i] = (uint8_t)(i * 7 + (i / 97));
    pxc_encoder *enc = NULL;
    CHECK_OK(pxc_encoder_create(ctx, NULL, &enc));
    void *data = NULL;
    CHECK_OK(pxc_encode(enc, img, codec, NULL, &data, size));
    pxc_encoder_destroy(enc);
    pxc_image_destroy(img);
    return data;
}

static void test_misuse(void)
{
    CHECK_STATUS(pxc_context_create(NULL, NULL), PXC_ERROR_INVALID_ARGUMENT);
    pxc_context_settings s;
    pxc_context_default_settings(&s);
    s.num_threads = -3;
    pxc_context *bad = (pxc_context *)1;
    CHECK_STATUS(pxc_context_create(&s, &bad), PXC_ERROR_INVALID_ARGUMENT);
    CHECK(bad == NULL);
    s.num_threads = 0;
    s.struct_size = 3;
    CHECK_STATUS(pxc_context_create(&s, &bad), PXC_ERROR_INVALID_ARGUMENT);

    pxc_context *ctx = make_ctx(0, PXC_DEFAULT_MAX_PIXELS, PXC_DEFAULT_MAX_BYTES);
    CHECK(pxc_context_num_threads(ctx) >= 1);
    pxc_context_destroy(NULL);
    pxc_decoder_destroy(NULL);
    pxc_encoder_destroy(NULL);
    pxc_image_destroy(NULL);
    pxc_code_stream_destroy(NULL);
    pxc_free(NULL);
    CHECK(strcmp(pxc_strerror(PXC_ERROR_CORRUPT_DATA), "corrupt data") == 0);
    CHECK(strcmp(pxc_strerror((pxc_status)-999), "unknown status") == 0);
    CHECK(pxc_version()[0] != '\0');

    pxc_code_stream *st = NULL;
    CHECK_STATUS(pxc_code_stream_from_memory(ctx, NULL, 10, PXC_MEMORY_BORROW, &st), PXC_ERROR_INVALID_ARGUMENT);
    CHECK(strstr(pxc_context_last_error(ctx), "NULL") != NULL);
    CHECK_STATUS(pxc_code_stream_from_memory(ctx, "x", 1, (pxc_memory_mode)7, &st), PXC_ERROR_INVALID_ARGUMENT);
    CHECK_STATUS(pxc_code_stream_from_file(ctx, "/nonexistent/file.jpg", &st), PXC_ERROR_IO);
    CHECK(strstr(pxc_context_last_error(ctx), "/nonexistent/file.jpg") != NULL);
    CHECK_STATUS(pxc_code_stream_from_file(ctx, "/", &st), PXC_ERROR_IO);
    CHECK_STATUS(pxc_code_stream_from_file(ctx, NULL, &st), PXC_ERROR_INVALID_ARGUMENT);

    /* empty and unknown streams */
    CHECK_OK(pxc_code_stream_from_memory(ctx, NULL, 0, PXC_MEMORY_BORROW, &st));
    pxc_image_info info = {.struct_size = sizeof(info)};
    CHECK_STATUS(pxc_code_stream_get_info(st, &info), PXC_ERROR_EMPTY_INPUT);
    pxc_code_stream_destroy(st);
    CHECK_OK(pxc_code_stream_from_memory(ctx, "GIF89a....", 10, PXC_MEMORY_COPY, &st));
    CHECK_STATUS(pxc_code_stream_get_info(st, &info), PXC_ERROR_UNSUPPORTED_FORMAT);
    CHECK(strstr(pxc_code_stream_last_error(st), "no codec") != NULL);
    CHECK(pxc_last_error(st) == pxc_code_stream_last_error(st));
    CHECK(pxc_last_error(ctx) == pxc_context_last_error(ctx));
    info.struct_size = 0;
    CHECK_STATUS(pxc_code_stream_get_info(st, &info), PXC_ERROR_INVALID_ARGUMENT);
    CHECK_STATUS(pxc_code_stream_get_info(st, NULL), PXC_ERROR_INVALID_ARGUMENT);

    /* decoder misuse */
    pxc_decoder *dec = NULL;
    CHECK_OK(pxc_decoder_create(ctx, NULL, &dec));
    pxc_image *img = NULL;
    CHECK_STATUS(pxc_decode(dec, NULL, NULL, &img), PXC_ERROR_INVALID_ARGUMENT);
    CHECK_STATUS(pxc_decode(dec, st, NULL, NULL), PXC_ERROR_INVALID_ARGUMENT);
    CHECK_STATUS(pxc_decode(NULL, st, NULL, &img), PXC_ERROR_INVALID_ARGUMENT);
    CHECK_STATUS(pxc_decode(dec, st, NULL, &img), PXC_ERROR_UNSUPPORTED_FORMAT);
    CHECK(img == NULL);
    pxc_decode_params p;
    pxc_decode_params_default(&p);
    p.color_spec = PXC_COLOR_CMYK;
    CHECK_STATUS(pxc_decode(dec, st, &p, &img), PXC_ERROR_INVALID_ARGUMENT);
    pxc_decode_params_default(&p);
    p.sample_type = (pxc_sample_type)9;
    CHECK_STATUS(pxc_decode(dec, st, &p, &img), PXC_ERROR_INVALID_ARGUMENT);
    p.struct_size = 1;
    CHECK_STATUS(pxc_decode(dec, st, &p, &img), PXC_ERROR_INVALID_ARGUMENT);
    CHECK_STATUS(pxc_decode_batch(dec, 2, NULL, NULL, NULL, NULL), PXC_ERROR_INVALID_ARGUMENT);
    CHECK_OK(pxc_decode_batch(dec, 0, NULL, NULL, NULL, NULL));
    pxc_code_stream_destroy(st);

    /* image descriptions */
    pxc_image_desc d;
    pxc_image_desc_init(&d);
    CHECK_STATUS(pxc_image_create(ctx, &d, NULL, &img), PXC_ERROR_INVALID_ARGUMENT); /* zero size */
    d.width = d.height = 4;
    d.num_channels = 3;
    d.color_spec = PXC_COLOR_RGBA; /* implies 4 channels */
    CHECK_STATUS(pxc_image_create(ctx, &d, NULL, &img), PXC_ERROR_INVALID_ARGUMENT);
    d.color_spec = PXC_COLOR_RGB;
    d.row_stride = 5; /* smaller than 12 */
    CHECK_STATUS(pxc_image_create(ctx, &d, NULL, &img), PXC_ERROR_INVALID_ARGUMENT);
    d.row_stride = 0;
    d.width = UINT32_MAX;
    d.height = UINT32_MAX;
    CHECK(pxc_image_create(ctx, &d, NULL, &img) != PXC_OK);
    d.width = d.height = 4;
    d.layout = PXC_LAYOUT_CHW;
    CHECK_OK(pxc_image_create(ctx, &d, NULL, &img));
    CHECK(pxc_image_get_desc(img)->plane_stride == 16);
    CHECK(pxc_image_size_bytes(img) == 48);
    pxc_image_destroy(img);

    /* encoder misuse */
    pxc_encoder *enc = NULL;
    CHECK_OK(pxc_encoder_create(ctx, NULL, &enc));
    d.layout = PXC_LAYOUT_HWC;
    CHECK_OK(pxc_image_create(ctx, &d, NULL, &img));
    void *out = NULL;
    size_t n = 0;
    CHECK_STATUS(pxc_encode(enc, img, "gif", NULL, &out, &n), PXC_ERROR_UNSUPPORTED_FORMAT);
    CHECK(strstr(pxc_encoder_last_error(enc), "gif") != NULL);
    CHECK_STATUS(pxc_encode(enc, img, NULL, NULL, &out, &n), PXC_ERROR_UNSUPPORTED_FORMAT);
    CHECK_STATUS(pxc_encode(enc, NULL, "jpeg", NULL, &out, &n), PXC_ERROR_INVALID_ARGUMENT);
    CHECK_STATUS(pxc_encode(enc, img, "jpeg", NULL, NULL, &n), PXC_ERROR_INVALID_ARGUMENT);
    pxc_encode_params ep;
    pxc_encode_params_default(&ep);
    ep.quality = 101;
    CHECK_STATUS(pxc_encode(enc, img, "jpeg", &ep, &out, &n), PXC_ERROR_INVALID_ARGUMENT);
    CHECK(out == NULL && n == 0);
    CHECK_STATUS(pxc_encode_to_file(enc, img, "/tmp/pxc-test.unknownext", NULL, NULL), PXC_ERROR_UNSUPPORTED_FORMAT);
    CHECK_STATUS(pxc_encode_to_file(enc, img, "/nonexistent-dir/x.jpg", NULL, NULL), PXC_ERROR_IO);
    pxc_image_destroy(img);
    pxc_encoder_destroy(enc);
    pxc_decoder_destroy(dec);
    pxc_context_destroy(ctx);
}

static void test_codec_names(void)
{
    CHECK(strcmp(pxc_codec_lookup(".JPG"), "jpeg") == 0);
    CHECK(strcmp(pxc_codec_lookup("jpeg"), "jpeg") == 0);
    CHECK(strcmp(pxc_codec_lookup(".png"), "png") == 0);
    CHECK(strcmp(pxc_codec_lookup(".ppm"), "pnm") == 0);
    CHECK(strcmp(pxc_codec_lookup("bmp"), "bmp") == 0);
    CHECK(pxc_codec_lookup("jpeg2k-nope") == NULL);
    CHECK(strcmp(pxc_codec_for_path("dir.d/photo"), "jpeg") == 0);
    CHECK(strcmp(pxc_codec_for_path("a/b.PnG"), "png") == 0);
    CHECK(pxc_codec_for_path("a/b.xyz") == NULL);
    CHECK(pxc_codec_count() >= 4);
    pxc_implementation_info ii;
    CHECK_OK(pxc_codec_implementation("jpeg", 0, &ii));
    CHECK(ii.available && ii.kind == PXC_BACKEND_CPU_ONLY && ii.can_decode && ii.can_encode);
    CHECK_STATUS(pxc_codec_implementation("jpeg", 99, &ii), PXC_ERROR_INVALID_ARGUMENT);
}

static void test_backends_and_options(void)
{
    pxc_context *ctx = make_ctx(2, PXC_DEFAULT_MAX_PIXELS, PXC_DEFAULT_MAX_BYTES);
    pxc_decoder_settings s;
    pxc_decoder_default_settings(&s);
    pxc_decoder *dec = NULL;
    pxc_backend gpu_only[] = {{PXC_BACKEND_GPU_ONLY, 1.0f}, {PXC_BACKEND_HW_GPU_ONLY, 1.0f}};
    s.backends = gpu_only;
    s.num_backends = 2;
    CHECK_STATUS(pxc_decoder_create(ctx, &s, &dec), PXC_ERROR_BACKEND_UNAVAILABLE);
    CHECK(strstr(pxc_context_last_error(ctx), "gpu_only") != NULL);
    CHECK(strstr(pxc_context_last_error(ctx), "hw_gpu_only") != NULL);
    pxc_backend dup[] = {{PXC_BACKEND_CPU_ONLY, 1.0f}, {PXC_BACKEND_CPU_ONLY, 1.0f}};
    s.backends = dup;
    CHECK_STATUS(pxc_decoder_create(ctx, &s, &dec), PXC_ERROR_INVALID_ARGUMENT);
    pxc_backend hint[] = {{PXC_BACKEND_CPU_ONLY, 1.5f}};
    s.backends = hint;
    s.num_backends = 1;
    CHECK_STATUS(pxc_decoder_create(ctx, &s, &dec), PXC_ERROR_INVALID_ARGUMENT);
    pxc_backend badkind[] = {{(pxc_backend_kind)17, 1.0f}};
    s.backends = badkind;
    CHECK_STATUS(pxc_decoder_create(ctx, &s, &dec), PXC_ERROR_INVALID_ARGUMENT);

    /* hybrid first for half of the batch, then CPU: everything lands on the CPU */
    pxc_backend mixed[] = {{PXC_BACKEND_HYBRID_CPU_GPU, 0.5f}, {PXC_BACKEND_CPU_ONLY, 1.0f}};
    s.backends = mixed;
    s.num_backends = 2;
    CHECK_OK(pxc_decoder_create(ctx, &s, &dec));
    size_t size;
    void *jpg = encode_sample(ctx, "jpeg", 20, 10, &size);
    pxc_code_stream *st[6];
    pxc_image *imgs[6] = {0};
    pxc_sample_status ss[6];
    for (int i = 0; i < 6; i++) CHECK_OK(pxc_code_stream_from_memory(ctx, jpg, size, PXC_MEMORY_BORROW, &st[i]));
    CHECK_OK(pxc_decode_batch(dec, 6, st, NULL, imgs, ss));
    for (int i = 0; i < 6; i++) {
        CHECK(ss[i].status == PXC_OK && ss[i].backend == PXC_BACKEND_CPU_ONLY);
        pxc_image_destroy(imgs[i]);
        pxc_code_stream_destroy(st[i]);
    }
    pxc_decoder_destroy(dec);
    pxc_free(jpg);

    /* options */
    const char *bad_opts[] = {"jpeg:nope=1", "zzz:fancy_upsampling=1", ":fancy_upsampling=2", "fancy_upsampling=1",
                              ":max_scans=abc", ":max_scans=0", "png:fancy_upsampling=1"};
    s.backends = NULL;
    s.num_backends = 0;
    for (size_t i = 0; i < sizeof(bad_opts) / sizeof(bad_opts[0]); i++) {
        s.options = bad_opts[i];
        CHECK_MSG(pxc_decoder_create(ctx, &s, &dec) == PXC_ERROR_INVALID_OPTION, "%s", bad_opts[i]);
    }
    s.options = "  jpeg:fancy_upsampling=true jpeg.turbo:max_scans=50 :strict=0 ";
    CHECK_OK(pxc_decoder_create(ctx, &s, &dec));
    pxc_decoder_destroy(dec);
    pxc_encoder_settings es;
    pxc_encoder_default_settings(&es);
    es.options = ":fancy_upsampling=0"; /* a decode option: accepted by encoders, no effect */
    pxc_encoder *enc = NULL;
    CHECK_OK(pxc_encoder_create(ctx, &es, &enc));
    pxc_encoder_destroy(enc);
    es.options = ":fancy_upsampling=5"; /* but still validated */
    CHECK_STATUS(pxc_encoder_create(ctx, &es, &enc), PXC_ERROR_INVALID_OPTION);
    es.options = "png:no_such_key=1";
    CHECK_STATUS(pxc_encoder_create(ctx, &es, &enc), PXC_ERROR_INVALID_OPTION);
    pxc_context_destroy(ctx);
}

static void test_limits(void)
{
    /* pixel limit */
    pxc_context *ctx = make_ctx(1, 100, PXC_DEFAULT_MAX_BYTES);
    pxc_context *big = make_ctx(1, PXC_DEFAULT_MAX_PIXELS, PXC_DEFAULT_MAX_BYTES);
    size_t size;
    void *jpg = encode_sample(big, "jpeg", 20, 10, &size); /* 200 pixels */
    pxc_decoder *dec = NULL;
    CHECK_OK(pxc_decoder_create(ctx, NULL, &dec));
    pxc_code_stream *st = NULL;
    CHECK_OK(pxc_code_stream_from_memory(ctx, jpg, size, PXC_MEMORY_BORROW, &st));
    pxc_image *img = NULL;
    CHECK_STATUS(pxc_decode(dec, st, NULL, &img), PXC_ERROR_LIMIT_EXCEEDED);
    CHECK(strstr(pxc_decoder_last_error(dec), "max_pixels") != NULL);
    pxc_image_info info = {.struct_size = sizeof(info)};
    CHECK_OK(pxc_code_stream_get_info(st, &info)); /* info is cheap and still works */
    CHECK(info.width == 20 && info.height == 10);
    pxc_code_stream_destroy(st);
    pxc_decoder_destroy(dec);
    pxc_context_destroy(ctx);

    /* byte limit: 600 bytes of output fit, 599 do not */
    ctx = make_ctx(1, 0, 599);
    CHECK_OK(pxc_decoder_create(ctx, NULL, &dec));
    CHECK_OK(pxc_code_stream_from_memory(ctx, jpg, size, PXC_MEMORY_BORROW, &st));
    CHECK_STATUS(pxc_decode(dec, st, NULL, &img), PXC_ERROR_LIMIT_EXCEEDED);
    CHECK(strstr(pxc_decoder_last_error(dec), "max_bytes_per_image") != NULL);
    pxc_code_stream_destroy(st);
    pxc_decoder_destroy(dec);
    pxc_context_destroy(ctx);
    ctx = make_ctx(1, 0, 1 << 20);
    CHECK_OK(pxc_decoder_create(ctx, NULL, &dec));
    CHECK_OK(pxc_code_stream_from_memory(ctx, jpg, size, PXC_MEMORY_BORROW, &st));
    CHECK_OK(pxc_decode(dec, st, NULL, &img));
    pxc_image_destroy(img);
    pxc_code_stream_destroy(st);
    pxc_decoder_destroy(dec);
    pxc_context_destroy(ctx);

    /* a JPEG header claiming 65000 x 65000 is refused before any pixel work */
    uint8_t *hostile = malloc(size);
    memcpy(hostile, jpg, size);
    for (size_t i = 0; i + 9 < size; i++) {
        if (hostile[i] == 0xFF && hostile[i + 1] == 0xC0) {
            hostile[i + 5] = hostile[i + 7] = 0xFD;
            hostile[i + 6] = hostile[i + 8] = 0xE8;
            break;
        }
    }
    CHECK_OK(pxc_decoder_create(big, NULL, &dec));
    CHECK_OK(pxc_code_stream_from_memory(big, hostile, size, PXC_MEMORY_BORROW, &st));
    CHECK_STATUS(pxc_decode(dec, st, NULL, &img), PXC_ERROR_LIMIT_EXCEEDED);
    pxc_code_stream_destroy(st);
    pxc_decoder_destroy(dec);
    free(hostile);
    pxc_free(jpg);
    pxc_context_destroy(big);
}

static void test_batch_with_bad_members(void)
{
    pxc_context *ctx = make_ctx(0, PXC_DEFAULT_MAX_PIXELS, PXC_DEFAULT_MAX_BYTES);
    size_t jn, pn;
    void *jpg = encode_sample(ctx, "jpeg", 33, 17, &jn);
    void *png = encode_sample(ctx, "png", 12, 9, &pn);
    pxc_decoder *dec = NULL;
    CHECK_OK(pxc_decoder_create(ctx, NULL, &dec));
    enum { N = 9 };
    pxc_code_stream *st[N];
    CHECK_OK(pxc_code_stream_from_memory(ctx, jpg, jn, PXC_MEMORY_BORROW, &st[0]));
    CHECK_OK(pxc_code_stream_from_memory(ctx, NULL, 0, PXC_MEMORY_BORROW, &st[1]));      /* empty */
    CHECK_OK(pxc_code_stream_from_memory(ctx, jpg, jn / 2, PXC_MEMORY_BORROW, &st[2])); /* truncated */
    CHECK_OK(pxc_code_stream_from_memory(ctx, png, pn, PXC_MEMORY_BORROW, &st[3]));
    CHECK_OK(pxc_code_stream_from_memory(ctx, "\xff\xd8\xff\xe0garbage", 11, PXC_MEMORY_BORROW, &st[4]));
    st[5] = NULL;                                                                        /* missing */
    CHECK_OK(pxc_code_stream_from_memory(ctx, png, pn - 20, PXC_MEMORY_BORROW, &st[6]));
    CHECK_OK(pxc_code_stream_from_memory(ctx, jpg, jn, PXC_MEMORY_COPY, &st[7]));
    CHECK_OK(pxc_code_stream_from_memory(ctx, "hello world", 11, PXC_MEMORY_BORROW, &st[8]));
    pxc_image *imgs[N] = {0};
    pxc_sample_status ss[N];
    pxc_status bs = pxc_decode_batch(dec, N, st, NULL, imgs, ss);
    CHECK(bs == PXC_ERROR_EMPTY_INPUT); /* the first failing sample's status */
    const pxc_status want[N] = {PXC_OK, PXC_ERROR_EMPTY_INPUT, PXC_ERROR_TRUNCATED_DATA, PXC_OK,
                                PXC_ERROR_TRUNCATED_DATA, PXC_ERROR_INVALID_ARGUMENT, PXC_ERROR_TRUNCATED_DATA,
                                PXC_OK, PXC_ERROR_UNSUPPORTED_FORMAT};
    for (int i = 0; i < N; i++) {
        CHECK_MSG(ss[i].status == want[i], "sample %d: %d (%s), want %d", i, ss[i].status, ss[i].detail, want[i]);
        CHECK_MSG((ss[i].status == PXC_OK) == (imgs[i] != NULL), "sample %d image", i);
        CHECK_MSG((ss[i].status == PXC_OK) == (ss[i].detail[0] == '\0'), "sample %d detail", i);
        pxc_image_destroy(imgs[i]);
        pxc_code_stream_destroy(st[i]);
    }
    pxc_decoder_destroy(dec);
    pxc_free(jpg);
    pxc_free(png);
    pxc_context_destroy(ctx);
}

/* Several threads share one decoder and one context, each running batches. */
typedef struct thread_arg {
    pxc_decoder *dec;
    pxc_context *ctx;
    const void *jpg;
    size_t n;
    int failures;
} thread_arg;

static void *thread_main(void *p)
{
    thread_arg *a = p;
    for (int r = 0; r < 20; r++) {
        pxc_code_stream *st[4];
        pxc_image *imgs[4] = {0};
        pxc_sample_status ss[4];
        for (int i = 0; i < 4; i++)
            if (pxc_code_stream_from_memory(a->ctx, a->jpg, a->n, PXC_MEMORY_BORROW, &st[i]) != PXC_OK) a->failures++;
        if (pxc_decode_batch(a->dec, 4, st, NULL, imgs, ss) != PXC_OK) a->failures++;
        for (int i = 0; i < 4; i++) {
            pxc_image_destroy(imgs[i]);
            pxc_code_stream_destroy(st[i]);
        }
    }
    return NULL;
}

static void test_threads(void)
{
    pxc_context *ctx = make_ctx(3, PXC_DEFAULT_MAX_PIXELS, PXC_DEFAULT_MAX_BYTES);
    size_t n;
    void *jpg = encode_sample(ctx, "jpeg", 64, 48, &n);
    pxc_decoder *dec = NULL;
    CHECK_OK(pxc_decoder_create(ctx, NULL, &dec));
    pthread_t th[4];
    thread_arg args[4];
    for (int i = 0; i < 4; i++) {
        args[i] = (thread_arg){dec, ctx, jpg, n, 0};
        pthread_create(&th[i], NULL, thread_main, &args[i]);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        CHECK(args[i].failures == 0);
    }
    pxc_decoder_destroy(dec);
    pxc_free(jpg);
    pxc_context_destroy(ctx);
}

static void test_caller_buffers_and_atomic_write(void)
{
    pxc_context *ctx = make_ctx(1, PXC_DEFAULT_MAX_PIXELS, PXC_DEFAULT_MAX_BYTES);
    size_t n;
    void *jpg = encode_sample(ctx, "jpeg", 30, 20, &n);
    pxc_decoder *dec = NULL;
    CHECK_OK(pxc_decoder_create(ctx, NULL, &dec));
    pxc_code_stream *st = NULL;
    CHECK_OK(pxc_code_stream_from_memory(ctx, jpg, n, PXC_MEMORY_BORROW, &st));
    pxc_image_desc want;
    CHECK_OK(pxc_decoder_output_desc(dec, st, NULL, &want));
    CHECK(want.width == 30 && want.height == 20 && want.num_channels == 3 && want.row_stride == 90);
    /* padded rows in a caller buffer, compared with a library-allocated decode */
    want.row_stride = 128;
    uint8_t *buf = malloc(128 * 20);
    memset(buf, 0xAB, 128 * 20);
    pxc_image *mine = NULL, *lib = NULL;
    CHECK_OK(pxc_image_create(ctx, &want, buf, &mine));
    CHECK_OK(pxc_decode_into(dec, st, NULL, mine));
    CHECK_OK(pxc_decode(dec, st, NULL, &lib));
    const uint8_t *l = pxc_image_data(lib);
    int same = 1;
    for (int y = 0; y < 20; y++) {
        same &= memcmp(buf + y * 128, l + y * 90, 90) == 0;
        same &= buf[y * 128 + 90] == 0xAB; /* padding untouched */
    }
    CHECK(same);
    /* wrong size */
    pxc_image_desc small = want;
    small.width = 29;
    small.row_stride = 0;
    pxc_image *wrong = NULL;
    CHECK_OK(pxc_image_create(ctx, &small, NULL, &wrong));
    CHECK_STATUS(pxc_decode_into(dec, st, NULL, wrong), PXC_ERROR_INVALID_ARGUMENT);
    pxc_image_destroy(wrong);

    /* atomic write: a file appears complete or not at all, and no temporary is left */
    pxc_encoder *enc = NULL;
    CHECK_OK(pxc_encoder_create(ctx, NULL, &enc));
    char dir[] = "/tmp/pxc-core-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256];
    snprintf(path, sizeof(path), "%s/out.png", dir);
    CHECK_OK(pxc_encode_to_file(enc, lib, path, NULL, NULL));
    pxc_code_stream *back = NULL;
    CHECK_OK(pxc_code_stream_from_file(ctx, path, &back));
    pxc_image_info info = {.struct_size = sizeof(info)};
    CHECK_OK(pxc_code_stream_get_info(back, &info));
    CHECK(strcmp(info.codec, "png") == 0 && info.width == 30);
    CHECK(strcmp(pxc_code_stream_path(back), path) == 0);
    pxc_code_stream_destroy(back);
    pxc_encode_params ep;
    pxc_encode_params_default(&ep);
    ep.quality = -1; /* fails: the existing file stays as it was */
    CHECK(pxc_encode_to_file(enc, lib, path, "jpeg", &ep) == PXC_ERROR_INVALID_ARGUMENT);
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "test $(ls -A %s | wc -l) -eq 1", dir);
    CHECK(system(cmd) == 0);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    CHECK(system(cmd) == 0);

    pxc_encoder_destroy(enc);
    pxc_image_destroy(mine);
    pxc_image_destroy(lib);
    free(buf);
    pxc_code_stream_destroy(st);
    pxc_decoder_destroy(dec);
    pxc_free(jpg);
    pxc_context_destroy(ctx);
}

/* Released buffers are reused; pxc_image_create still hands out zeroed images. */
static void test_image_cache(void)
{
    for (int cache = 0; cache < 2; cache++) {
        pxc_context_settings s;
        pxc_context_default_settings(&s);
        s.num_threads = 1;
        s.image_cache_bytes = cache ? 1 << 20 : 0;
        pxc_context *ctx = NULL;
        CHECK_OK(pxc_context_create(&s, &ctx));
        pxc_image_desc d;
        pxc_image_desc_init(&d);
        d.width = 100;
        d.height = 100;
        d.num_channels = 3;
        for (int round = 0; round < 3; round++) {
            pxc_image *img = NULL;
            CHECK_OK(pxc_image_create(ctx, &d, NULL, &img));
            const uint8_t *p = pxc_image_data(img);
            int zero = 1;
            for (size_t i = 0; i < pxc_image_size_bytes(img); i++) zero &= p[i] == 0;
            CHECK(zero);
            memset(pxc_image_data(img), 0xFF, pxc_image_size_bytes(img));
            pxc_image_destroy(img);
        }
        /* more than the cache holds: older buffers are freed, none leak (valgrind) */
        pxc_image *many[40];
        for (int i = 0; i < 40; i++) CHECK_OK(pxc_image_create(ctx, &d, NULL, &many[i]));
        for (int i = 0; i < 40; i++) pxc_image_destroy(many[i]);
        pxc_context_destroy(ctx);
    }
}

/* An image without a colour spec is taken by its channel count: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA. */
static void test_unknown_colour_is_inferred(void)
{
    pxc_context *ctx = make_ctx(1, PXC_DEFAULT_MAX_PIXELS, PXC_DEFAULT_MAX_BYTES);
    pxc_encoder *enc = NULL;
    CHECK_OK(pxc_encoder_create(ctx, NULL, &enc));
    const pxc_color_spec want[5] = {0, PXC_COLOR_GRAY, PXC_COLOR_GRAY_ALPHA, PXC_COLOR_RGB, PXC_COLOR_RGBA};
    for (uint32_t ch = 1; ch <= 4; ch++) {
        pxc_image_desc d;
        pxc_image_desc_init(&d);
        d.width = 5;
        d.height = 3;
        d.num_channels = ch;
        pxc_image *img = NULL;
        CHECK_OK(pxc_image_create(ctx, &d, NULL, &img));
        void *data = NULL;
        size_t n = 0;
        CHECK_OK(pxc_encode(enc, img, "png", NULL, &data, &n));
        pxc_code_stream *st = NULL;
        CHECK_OK(pxc_code_stream_from_memory(ctx, data, n, PXC_MEMORY_BORROW, &st));
        pxc_image_info info = {.struct_size = sizeof(info)};
        CHECK_OK(pxc_code_stream_get_info(st, &info));
        CHECK_MSG(info.num_channels == ch && info.color_spec == want[ch], "%u channels", ch);
        pxc_code_stream_destroy(st);
        pxc_free(data);
        pxc_image_destroy(img);
    }
    pxc_encoder_destroy(enc);
    pxc_context_destroy(ctx);
}

int main(void)
{
    test_unknown_colour_is_inferred();
    test_image_cache();
    test_misuse();
    test_codec_names();
    test_backends_and_options();
    test_limits();
    test_batch_with_bad_members();
    test_threads();
    test_caller_buffers_and_atomic_write();
    return pxc_test_summary("test_core");
}
