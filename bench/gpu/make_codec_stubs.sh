#!/usr/bin/env bash
# Stand-ins for GDAL and GDCM, the two libraries of OpenCV's imgcodecs that photomend-cli never
# uses (they read geographic rasters and DICOM) and that pull in over a hundred more (far over what
# a GPU call can carry). imgcodecs is linked with BIND_NOW, so each stand-in defines every symbol
# imgcodecs takes from the real one and returns 0 (null, false, "no such driver"): imgcodecs calls
# GDALAllRegister() when it lists its codecs, and nothing else of them for JPEG, PNG, TIFF or WebP.
#
#   bash bench/gpu/make_codec_stubs.sh IMGCODECS_SO REAL_LIB_DIR OUT_DIR
# IMGCODECS_SO: libopencv_imgcodecs.so.406; REAL_LIB_DIR: where the real GDAL/GDCM libraries are
# (unpacked from their .debs); OUT_DIR gets libgdal.so.32, libgdcmMSFF.so.3.0, libgdcmDSED.so.3.0.
set -euo pipefail
imgcodecs=$1 real=$2 out=$3
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
nm -D --undefined-only "$imgcodecs" | awk '{print $NF}' | sort -u > "$tmp/wanted"
for soname in $(readelf -d "$imgcodecs" | sed -n 's/.*(NEEDED).*\[\(libgdal[^]]*\|libgdcm[^]]*\)\]/\1/p'); do
    nm -D --defined-only "$real/$soname" | awk '{print $NF}' | sort -u > "$tmp/defined"
    comm -12 "$tmp/wanted" "$tmp/defined" |
        awk '{ printf "long pm_stub_%d(void) __asm__(\"%s\");\nlong pm_stub_%d(void) { return 0; }\n", NR, $0, NR }' \
        > "$tmp/$soname.c"
    gcc -shared -fPIC -O1 -o "$out/$soname" -Wl,-soname,"$soname" "$tmp/$soname.c"
    echo "$soname: $(grep -c __asm__ "$tmp/$soname.c") symbols stubbed"
done
