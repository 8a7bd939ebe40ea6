package dev.segmentflow.cache.trace;

import dev.segmentflow.cache.policy.TraceRequest;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Trace files: our CSV (with the video fields), and libCacheSim's csv and oracleGeneral formats so
 * that published traces can be replayed through the same simulator.
 */
public final class TraceFormats {
  public static final String CSV_HEADER = "time_ms,key,size,region,asset,rendition,segment,session";

  private TraceFormats() {}

  public static void writeCsv(Iterable<TraceRequest> trace, BufferedWriter out) throws IOException {
    out.write(CSV_HEADER);
    out.newLine();
    for (TraceRequest r : trace) {
      out.write(
          r.timeMillis()
              + ","
              + r.key()
              + ","
              + r.sizeBytes()
              + ","
              + nz(r.region())
              + ","
              + nz(r.assetId())
              + ","
              + nz(r.rendition())
              + ","
              + r.segment()
              + ","
              + nz(r.sessionId()));
      out.newLine();
    }
  }

  /** Our CSV; blank fields are absent video fields. Throws on a malformed line, naming it. */
  public static List<TraceRequest> readCsv(BufferedReader in) throws IOException {
    List<TraceRequest> out = new ArrayList<>();
    String header = in.readLine();
    if (!CSV_HEADER.equals(header)) {
      throw new IOException("not a segmentflow trace: header is '" + header + "'");
    }
    String line;
    int n = 1;
    while ((line = in.readLine()) != null) {
      n++;
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split(",", -1);
      if (f.length != 8) {
        throw new IOException("line " + n + ": expected 8 fields, got " + f.length);
      }
      try {
        out.add(
            replayable(
                n,
                new TraceRequest(
                    Long.parseLong(f[0]),
                    f[1],
                    Long.parseLong(f[2]),
                    blank(f[3]),
                    blank(f[4]),
                    blank(f[5]),
                    Integer.parseInt(f[6]),
                    blank(f[7]))));
      } catch (NumberFormatException e) {
        throw new IOException("line " + n + ": " + e.getMessage(), e);
      }
    }
    return out;
  }

  /**
   * libCacheSim's csv reader format: a header line, then rows where the given 1-based columns hold
   * the time (seconds), object id and size.
   */
  public static List<TraceRequest> readLibCacheSimCsv(
      BufferedReader in, int timeColumn, int keyColumn, int sizeColumn, boolean hasHeader)
      throws IOException {
    List<TraceRequest> out = new ArrayList<>();
    String line;
    int n = 0;
    while ((line = in.readLine()) != null) {
      n++;
      if ((hasHeader && n == 1) || line.isBlank()) {
        continue;
      }
      String[] f = line.split(",", -1);
      TraceRequest r;
      try {
        double seconds = Double.parseDouble(f[timeColumn - 1].trim());
        if (!Double.isFinite(seconds)) {
          throw new IOException("line " + n + ": time " + f[timeColumn - 1].trim());
        }
        r =
            TraceRequest.plain(
                (long) (seconds * 1000),
                f[keyColumn - 1].trim(),
                Long.parseLong(f[sizeColumn - 1].trim()));
      } catch (RuntimeException e) {
        throw new IOException("line " + n + ": " + e.getMessage(), e);
      }
      out.add(replayable(n, r));
    }
    return out;
  }

  /**
   * libCacheSim's oracleGeneral binary format: little-endian records of uint32 time (s), uint64 id,
   * uint32 size, int64 next access (virtual time, unused here).
   */
  public static List<TraceRequest> readOracleGeneral(InputStream in) throws IOException {
    List<TraceRequest> out = new ArrayList<>();
    DataInputStream data = new DataInputStream(in);
    byte[] record = new byte[24];
    while (true) {
      int first = data.read();
      if (first < 0) {
        return out;
      }
      record[0] = (byte) first;
      try {
        data.readFully(record, 1, record.length - 1);
      } catch (EOFException e) {
        throw new IOException(
            "truncated oracleGeneral record after " + out.size() + " requests", e);
      }
      ByteBuffer b = ByteBuffer.wrap(record).order(ByteOrder.LITTLE_ENDIAN);
      long time = Integer.toUnsignedLong(b.getInt());
      long id = b.getLong();
      long size = Integer.toUnsignedLong(b.getInt());
      out.add(TraceRequest.plain(time * 1000, Long.toUnsignedString(id), size));
    }
  }

  /** A request a cache can replay: a time and a size that are not negative. */
  private static TraceRequest replayable(int line, TraceRequest r) throws IOException {
    if (r.timeMillis() < 0 || r.sizeBytes() < 0) {
      throw new IOException(
          "line "
              + line
              + ": negative time or size ("
              + r.timeMillis()
              + " ms, "
              + r.sizeBytes()
              + " bytes)");
    }
    return r;
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  private static String blank(String s) {
    return s.isEmpty() ? null : s;
  }
}
