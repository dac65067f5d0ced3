/* Status texts and version. */
#include "pixcodec/status.h"

#define PXC_STR2(x) #x
#define PXC_STR(x) PXC_STR2(x)

const char *pxc_strerror(pxc_status status)
{
    switch (status) {
    case PXC_OK: return "success";
    case PXC_ERROR_INVALID_ARGUMENT: return "invalid argument";
    case PXC_ERROR_OUT_OF_MEMORY: return "out of memory";
    case PXC_ERROR_UNSUPPORTED_FORMAT: return "unsupported format";
    case PXC_ERROR_UNSUPPORTED_FEATURE: return "unsupported feature";
    case PXC_ERROR_CORRUPT_DATA: return "corrupt data";
    case PXC_ERROR_TRUNCATED_DATA: return "truncated data";
    case PXC_ERROR_LIMIT_EXCEEDED: return "limit exceeded";
    case PXC_ERROR_BACKEND_UNAVAILABLE: return "backend unavailable";
    case PXC_ERROR_IO: return "input/output error";
    case PXC_ERROR_INVALID_OPTION: return "invalid option";
    case PXC_ERROR_INTERNAL: return "internal error";
    case PXC_ERROR_EMPTY_INPUT: return "empty input";
    case PXC_ERROR_NOT_PROCESSED: return "not processed";
    }
    return "unknown status";
}

const char *pxc_version(void)
{
    return PXC_STR(PXC_VERSION_MAJOR) "." PXC_STR(PXC_VERSION_MINOR) "." PXC_STR(PXC_VERSION_PATCH);
}
