package dev.segmentflow.transcode.encode;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Splits a fragmented MP4 into its init segment (ftyp + moov) and its media segment (moof + mdat
 * pairs), reads the H.264 codec string from the init segment's avcC box, and reads the video
 * track's samples from the fragment headers (ISO/IEC 14496-12: tkhd, mdhd, hdlr, trex, tfhd, tfdt,
 * trun), so an encoder's output is checked without another process.
 */
public final class Mp4Fragments {
  private Mp4Fragments() {}

  public record Split(byte[] init, byte[] media) {}

  public static Split split(byte[] file) {
    int off = 0;
    boolean sawMoov = false;
    while (off + 8 <= file.length) {
      long size = boxSize(file, off);
      String type = new String(file, off + 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
      if (type.equals("moov")) {
        sawMoov = true;
      }
      if (type.equals("moof")) {
        if (!sawMoov) {
          throw new IllegalArgumentException("fragment before moov: not a CMAF track file");
        }
        return new Split(
            Arrays.copyOfRange(file, 0, off), Arrays.copyOfRange(file, off, file.length));
      }
      if (size < 8 || off + size > file.length) {
        break;
      }
      off += (int) size;
    }
    throw new IllegalArgumentException("no media fragment (moof) in the file: output incomplete");
  }

  /**
   * RFC 6381 codec string of the first H.264 track, e.g. avc1.64001f: profile, constraint flags and
   * level as the encoder wrote them in avcC.
   */
  public static Optional<String> avcCodec(byte[] init) {
    byte[] tag = {'a', 'v', 'c', 'C'};
    for (int i = 4; i + 8 <= init.length; i++) {
      if (init[i] == tag[0]
          && init[i + 1] == tag[1]
          && init[i + 2] == tag[2]
          && init[i + 3] == tag[3]) {
        // avcC payload: configurationVersion, AVCProfileIndication, profile_compatibility, level
        return Optional.of(
            "avc1." + HexFormat.of().formatHex(Arrays.copyOfRange(init, i + 5, i + 8)));
      }
    }
    return Optional.empty();
  }

  /**
   * The video track's samples as the fragments describe them.
   *
   * @param firstIsSync whether the first sample is a sync sample (a keyframe)
   * @param firstSeconds earliest presentation time
   * @param lastSeconds latest presentation time
   * @param lastDurationSeconds the duration of the sample shown last
   */
  public record VideoSamples(
      int count,
      boolean firstIsSync,
      double firstSeconds,
      double lastSeconds,
      double lastDurationSeconds) {
    /** From the first sample shown to the end of the last. */
    public double durationSeconds() {
      return lastSeconds - firstSeconds + lastDurationSeconds;
    }
  }

  /** Reads the first video track's samples; throws when the boxes do not describe one. */
  public static VideoSamples videoSamples(Split file) {
    ByteBuffer init = ByteBuffer.wrap(file.init());
    int track = -1;
    long timescale = 0;
    long defaultDuration = 0;
    long defaultFlags = 0;
    int moov = find(init, 0, init.limit(), "moov");
    if (moov < 0) {
      throw new IllegalArgumentException("no moov box");
    }
    int moovEnd = moov + (int) boxSize(file.init(), moov);
    for (int trak = find(init, moov + 8, moovEnd, "trak");
        trak >= 0;
        trak = find(init, trak + (int) boxSize(file.init(), trak), moovEnd, "trak")) {
      int trakEnd = trak + (int) boxSize(file.init(), trak);
      int mdia = find(init, trak + 8, trakEnd, "mdia");
      int hdlr =
          mdia < 0 ? -1 : find(init, mdia + 8, mdia + (int) boxSize(file.init(), mdia), "hdlr");
      if (hdlr < 0 || init.getInt(hdlr + 16) != fourCc("vide")) {
        continue;
      }
      int tkhd = find(init, trak + 8, trakEnd, "tkhd");
      track = init.getInt(tkhd + 8 + (init.get(tkhd + 8) == 1 ? 20 : 12));
      int mdhd = find(init, mdia + 8, mdia + (int) boxSize(file.init(), mdia), "mdhd");
      timescale =
          Integer.toUnsignedLong(init.getInt(mdhd + 8 + (init.get(mdhd + 8) == 1 ? 20 : 12)));
      break;
    }
    if (track < 0 || timescale == 0) {
      throw new IllegalArgumentException("no video track in moov");
    }
    int mvex = find(init, moov + 8, moovEnd, "mvex");
    if (mvex >= 0) {
      int mvexEnd = mvex + (int) boxSize(file.init(), mvex);
      for (int trex = find(init, mvex + 8, mvexEnd, "trex");
          trex >= 0;
          trex = find(init, trex + 32, mvexEnd, "trex")) {
        if (init.getInt(trex + 12) == track) {
          defaultDuration = Integer.toUnsignedLong(init.getInt(trex + 20));
          defaultFlags = Integer.toUnsignedLong(init.getInt(trex + 28));
        }
      }
    }
    ByteBuffer media = ByteBuffer.wrap(file.media());
    byte[] m = file.media();
    int count = 0;
    boolean firstSync = false;
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    long lastDuration = 0;
    for (int moof = find(media, 0, m.length, "moof");
        moof >= 0;
        moof = find(media, moof + (int) boxSize(m, moof), m.length, "moof")) {
      int moofEnd = moof + (int) boxSize(m, moof);
      for (int traf = find(media, moof + 8, moofEnd, "traf");
          traf >= 0;
          traf = find(media, traf + (int) boxSize(m, traf), moofEnd, "traf")) {
        int trafEnd = traf + (int) boxSize(m, traf);
        int tfhd = find(media, traf + 8, trafEnd, "tfhd");
        int tfhdFlags = media.getInt(tfhd + 8) & 0xFFFFFF;
        if (media.getInt(tfhd + 12) != track) {
          continue;
        }
        int at = tfhd + 16;
        at += (tfhdFlags & 0x1) != 0 ? 8 : 0;
        at += (tfhdFlags & 0x2) != 0 ? 4 : 0;
        long duration = defaultDuration;
        long flags = defaultFlags;
        if ((tfhdFlags & 0x8) != 0) {
          duration = Integer.toUnsignedLong(media.getInt(at));
          at += 4;
        }
        at += (tfhdFlags & 0x10) != 0 ? 4 : 0;
        if ((tfhdFlags & 0x20) != 0) {
          flags = Integer.toUnsignedLong(media.getInt(at));
        }
        int tfdt = find(media, traf + 8, trafEnd, "tfdt");
        long decode =
            tfdt < 0
                ? 0
                : media.get(tfdt + 8) == 1
                    ? media.getLong(tfdt + 12)
                    : Integer.toUnsignedLong(media.getInt(tfdt + 12));
        for (int trun = find(media, traf + 8, trafEnd, "trun");
            trun >= 0;
            trun = find(media, trun + (int) boxSize(m, trun), trafEnd, "trun")) {
          int version = media.get(trun + 8);
          int trunFlags = media.getInt(trun + 8) & 0xFFFFFF;
          int samples = media.getInt(trun + 12);
          int p = trun + 16;
          p += (trunFlags & 0x1) != 0 ? 4 : 0;
          long firstFlags = flags;
          if ((trunFlags & 0x4) != 0) {
            firstFlags = Integer.toUnsignedLong(media.getInt(p));
            p += 4;
          }
          for (int i = 0; i < samples; i++) {
            long d = duration;
            long f = i == 0 ? firstFlags : flags;
            long cto = 0;
            if ((trunFlags & 0x100) != 0) {
              d = Integer.toUnsignedLong(media.getInt(p));
              p += 4;
            }
            p += (trunFlags & 0x200) != 0 ? 4 : 0;
            if ((trunFlags & 0x400) != 0) {
              f = Integer.toUnsignedLong(media.getInt(p));
              p += 4;
            }
            if ((trunFlags & 0x800) != 0) {
              int raw = media.getInt(p);
              cto = version == 1 ? raw : Integer.toUnsignedLong(raw);
              p += 4;
            }
            if (count == 0) {
              // sample_is_non_sync_sample is bit 16 of the sample flags
              firstSync = (f & 0x10000) == 0;
            }
            long shown = decode + cto;
            first = Math.min(first, shown);
            if (shown >= last) {
              last = shown;
              lastDuration = d;
            }
            decode += d;
            count++;
          }
        }
      }
    }
    if (count == 0) {
      throw new IllegalArgumentException("no video samples in the fragments");
    }
    return new VideoSamples(
        count,
        firstSync,
        first / (double) timescale,
        last / (double) timescale,
        lastDuration / (double) timescale);
  }

  /** Offset of the first box of the type between from and to, or -1. */
  private static int find(ByteBuffer b, int from, int to, String type) {
    int want = fourCc(type);
    int off = from;
    while (off + 8 <= to) {
      long size = boxSize(b.array(), off);
      if (b.getInt(off + 4) == want) {
        return off;
      }
      if (size < 8) {
        return -1;
      }
      off += (int) size;
    }
    return -1;
  }

  private static int fourCc(String type) {
    return (type.charAt(0) << 24) | (type.charAt(1) << 16) | (type.charAt(2) << 8) | type.charAt(3);
  }

  private static long boxSize(byte[] b, int off) {
    long size = Integer.toUnsignedLong(ByteBuffer.wrap(b, off, 4).getInt());
    if (size == 1 && off + 16 <= b.length) {
      size = ByteBuffer.wrap(b, off + 8, 8).getLong();
    } else if (size == 0) {
      size = b.length - off;
    }
    return size;
  }
}
