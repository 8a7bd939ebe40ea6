package dev.segmentflow.transcode.encode;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Splits a fragmented MP4 into its init segment (ftyp + moov) and its media segment (moof + mdat
 * pairs), and reads the H.264 codec string from the init segment's avcC box.
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
