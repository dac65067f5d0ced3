"""Builds the pixcodec Python package with setuptools, offline.

    pip install .     (Debian: python3-setuptools, python3-dev, libjpeg62-turbo-dev, libspng-dev,
                       libopenjp2-7-dev, libtiff-dev, libwebp-dev)

The extension carries its own copy of the C library (the same sources CMake
builds), so the package needs no libpixcodec.so at run time. It is built without CUDA (the
GPU implementations then report that this build has no GPU support); CMake builds them.
"""
import glob
import os
import shlex
import subprocess

from setuptools import Extension, setup

HERE = os.path.dirname(os.path.abspath(__file__))


def sources(*patterns):
    out = []
    for p in patterns:
        out += sorted(os.path.relpath(f, HERE) for f in glob.glob(os.path.join(HERE, p)))
    return out


PKG_CONFIG_MODULES = ["libjpeg", "spng", "libopenjp2", "libtiff-4", "libwebp", "libwebpdemux",
                      "libavformat", "libavcodec", "libavutil", "libswscale"]


def pkg_config(flag):
    """Flags of the codec libraries from pkg-config (e.g. OpenJPEG's versioned include folder)."""
    try:
        out = subprocess.run(["pkg-config", flag, *PKG_CONFIG_MODULES], check=True, capture_output=True,
                             text=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        raise SystemExit(f"pkg-config could not describe {PKG_CONFIG_MODULES}: {e} "
                         "(run scripts/install-deps.sh)")
    return shlex.split(out)


cflags = pkg_config("--cflags")
libs = pkg_config("--libs")

ext = Extension(
    "pixcodec._pixcodec",
    sources=sources("src/core/*.c", "src/codecs/*/*.c", "src/codecs/*/gpu/*.c", "src/cuda/*.c", "src/video/*.c",
                    "src/video/gpu/*.c", "python/ext/*.c"),
    include_dirs=["include", "src", "python/ext"] + [f[2:] for f in cflags if f.startswith("-I")],
    define_macros=[("_GNU_SOURCE", None)],
    libraries=[f[2:] for f in libs if f.startswith("-l")] + ["m"],
    library_dirs=[f[2:] for f in libs if f.startswith("-L")],
    extra_compile_args=["-std=gnu11", "-fvisibility=hidden", "-Wno-unused-parameter"],
    extra_link_args=["-Wl,--version-script=python/ext/exports.map", "-pthread"],
)

setup(
    name="pixcodec",
    version="0.1.0",
    description="Decode and encode images on all CPU cores (and GPUs), with a batch API and zero-copy numpy interop",
    packages=["pixcodec"],
    package_dir={"pixcodec": "python/pixcodec"},
    package_data={"pixcodec": ["py.typed", "__init__.pyi", "video.pyi"]},
    ext_modules=[ext],
    python_requires=">=3.9",
)
