package dev.segmentflow.cache.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.segmentflow.cache.policy.TraceRequest;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TraceFormatsTest {

  @Test
  void ownCsvRoundTrips() throws IOException {
    List<TraceRequest> trace =
        List.of(
            new TraceRequest(1000, "a1/720p/3", 812_345, "eu-west", "a1", "720p", 3, "s-9"),
            TraceRequest.plain(1500, "other", 42));
    StringWriter text = new StringWriter();
    try (BufferedWriter w = new BufferedWriter(text)) {
      TraceFormats.writeCsv(trace, w);
    }
    assertThat(TraceFormats.readCsv(new BufferedReader(new StringReader(text.toString()))))
        .isEqualTo(trace);
  }

  @Test
  void ownCsvNamesTheBadLine() {
    String bad = TraceFormats.CSV_HEADER + "\n1,a,10,,,,-1,\n2,b,ten,,,,-1,\n";
    assertThatThrownBy(() -> TraceFormats.readCsv(new BufferedReader(new StringReader(bad))))
        .hasMessageContaining("line 3");
    assertThatThrownBy(() -> TraceFormats.readCsv(new BufferedReader(new StringReader("t,k\n"))))
        .hasMessageContaining("not a segmentflow trace");
  }

  @Test
  void readsLibCacheSimCsvByColumn() throws IOException {
    String csv = "timestamp,obj_id,obj_size\n1.5,42,1000\n2,43,2000\n";
    List<TraceRequest> t =
        TraceFormats.readLibCacheSimCsv(new BufferedReader(new StringReader(csv)), 1, 2, 3, true);
    assertThat(t)
        .containsExactly(
            TraceRequest.plain(1500, "42", 1000), TraceRequest.plain(2000, "43", 2000));
  }

  @Test
  void readsOracleGeneralRecordsAndRefusesATruncatedOne() throws IOException {
    ByteBuffer b = ByteBuffer.allocate(48).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(10).putLong(-1L).putInt(4096).putLong(-1);
    b.putInt(11).putLong(7).putInt(100).putLong(5);
    List<TraceRequest> t = TraceFormats.readOracleGeneral(new ByteArrayInputStream(b.array()));
    assertThat(t)
        .containsExactly(
            TraceRequest.plain(10_000, "18446744073709551615", 4096),
            TraceRequest.plain(11_000, "7", 100));
    byte[] cut = Arrays.copyOf(b.array(), 30);
    assertThatThrownBy(() -> TraceFormats.readOracleGeneral(new ByteArrayInputStream(cut)))
        .hasMessageContaining("truncated");
  }
}
