#!/usr/bin/env python3
"""png.py — a small PNG reader/writer in pure python (zlib only), for the
HTML rendering test and the README screenshot; no Pillow needed.

  png.py info FILE                 width, height, distinct colours, and the
                                   share of the most common colour
  png.py crop FILE OUT X Y W H [SCALE]
                                   cut the rectangle out (clipped to the
                                   image), optionally shrink it by the
                                   integer factor SCALE (box filter)

Reads 8-bit RGB and RGBA, non-interlaced (what Chromium writes); writes RGB.
"""
import struct
import sys
import zlib

SIG = b"\x89PNG\r\n\x1a\n"


class PNGError(Exception):
    pass


def read(path, max_rows=None):
    """Returns (width, height, rows): rows are RGB bytes, one per line.
    With max_rows only the first max_rows lines are unfiltered."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != SIG:
        raise PNGError("not a PNG file (bad signature)")
    pos, idat, ihdr, seen_end = 8, [], None, False
    while pos + 8 <= len(data):
        (n,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + n]
        crc = data[pos + 8 + n:pos + 12 + n]
        if len(body) != n or len(crc) != 4:
            raise PNGError("truncated chunk %r" % kind)
        if struct.unpack(">I", crc)[0] != zlib.crc32(kind + body):
            raise PNGError("CRC mismatch in chunk %r" % kind)
        pos += 12 + n
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            seen_end = True
            break
    if ihdr is None or not idat or not seen_end:
        raise PNGError("missing IHDR, IDAT or IEND")
    w, h, depth, ctype, _, _, interlace = ihdr
    if depth != 8 or ctype not in (2, 6) or interlace:
        raise PNGError("unsupported PNG (depth %d, colour type %d, "
                       "interlace %d)" % (depth, ctype, interlace))
    bpp = 3 if ctype == 2 else 4
    stride = w * bpp
    raw = zlib.decompress(b"".join(idat))
    if len(raw) != h * (stride + 1):
        raise PNGError("image data is %d bytes, expected %d"
                       % (len(raw), h * (stride + 1)))
    prev = bytearray(stride)
    rows = []
    for y in range(h if max_rows is None else min(h, max_rows)):
        off = y * (stride + 1)
        ftype = raw[off]
        line = bytearray(raw[off + 1:off + 1 + stride])
        if ftype == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif ftype == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, prev))
        elif ftype == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 255
        elif ftype == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = prev[i]
                c = prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pr) & 255
        elif ftype != 0:
            raise PNGError("bad filter type %d in line %d" % (ftype, y))
        prev = line
        if bpp == 4:
            rgb = bytearray(w * 3)
            rgb[0::3], rgb[1::3], rgb[2::3] = line[0::4], line[1::4], line[2::4]
            rows.append(bytes(rgb))
        else:
            rows.append(bytes(line))
    return w, h, rows


def colours(rows):
    """{rgb bytes: count} over the rows."""
    count = {}
    for r in rows:
        for i in range(0, len(r), 3):
            px = r[i:i + 3]
            count[px] = count.get(px, 0) + 1
    return count


def write(path, w, rows):
    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body)))
    raw = b"".join(b"\x00" + r for r in rows)
    with open(path, "wb") as f:
        f.write(SIG + chunk(b"IHDR", struct.pack(">IIBBBBB", w, len(rows),
                                                 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def shrink(rows, w, k):
    """Box filter: every k x k block becomes its average."""
    out = []
    nw = w // k
    for y in range(0, len(rows) - k + 1, k):
        block = rows[y:y + k]
        line = bytearray(nw * 3)
        for x in range(nw):
            for ch in range(3):
                s = 0
                for r in block:
                    base = x * k * 3 + ch
                    s += sum(r[base:base + k * 3:3])
                line[x * 3 + ch] = s // (k * k)
        out.append(bytes(line))
    return nw, out


def main(argv):
    if len(argv) >= 2 and argv[0] == "info":
        w, h, rows = read(argv[1])
        c = colours(rows)
        top = max(c.values()) if c else 0
        print("%d %d %d %.3f" % (w, h, len(c), top / float(w * h or 1)))
        return 0
    if len(argv) in (7, 8) and argv[0] == "crop":
        src, dst = argv[1], argv[2]
        x, y, cw, ch = (int(v) for v in argv[3:7])
        k = int(argv[7]) if len(argv) == 8 else 1
        w, h, rows = read(src, max_rows=y + ch)
        x, y = max(0, min(x, w)), max(0, min(y, h))
        cw, ch = min(cw, w - x), min(ch, h - y)
        part = [r[x * 3:(x + cw) * 3] for r in rows[y:y + ch]]
        if k > 1:
            cw, part = shrink(part, cw, k)
        write(dst, cw, part)
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except (PNGError, OSError, zlib.error) as e:
        sys.stderr.write("png.py: %s\n" % e)
        sys.exit(1)
