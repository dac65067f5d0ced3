/**
 * @file export.h
 * @brief Symbol visibility and version macros shared by every public header.
 */
#ifndef PIXCODEC_EXPORT_H
#define PIXCODEC_EXPORT_H

#if defined(_WIN32)
#  if defined(PXC_BUILDING_LIBRARY)
#    define PXC_API __declspec(dllexport)
#  else
#    define PXC_API __declspec(dllimport)
#  endif
#elif defined(__GNUC__) && __GNUC__ >= 4
#  define PXC_API __attribute__((visibility("default")))
#else
#  define PXC_API
#endif

#define PXC_VERSION_MAJOR 0
#define PXC_VERSION_MINOR 1
#define PXC_VERSION_PATCH 0

#ifdef __cplusplus
#  define PXC_BEGIN_DECLS extern "C" {
#  define PXC_END_DECLS }
#else
#  define PXC_BEGIN_DECLS
#  define PXC_END_DECLS
#endif

#endif /* PIXCODEC_EXPORT_H */
