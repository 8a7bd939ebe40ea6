package dev.segmentflow.cache.flink;

import dev.segmentflow.cache.popularity.DecayedRate;
import dev.segmentflow.cache.popularity.Tier;
import dev.segmentflow.cache.popularity.TitlePopularity;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The title state in a fixed binary layout. Flink's POJO serializer hands every map and set field
 * of {@link TitlePopularity} to Kryo, which the profile showed as most of the title operator's time
 * (class tags, boxed integers, generic map handling on each read and write of the state).
 */
public final class TitlePopularitySerializer extends TypeSerializerSingleton<TitlePopularity> {
  private static final long serialVersionUID = 1L;
  public static final TitlePopularitySerializer INSTANCE = new TitlePopularitySerializer();
  private static final Tier[] TIERS = Tier.values();

  @Override
  public boolean isImmutableType() {
    return false;
  }

  @Override
  public TitlePopularity createInstance() {
    return new TitlePopularity();
  }

  @Override
  public TitlePopularity copy(TitlePopularity from) {
    try {
      DataOutputSerializer out = new DataOutputSerializer(256);
      serialize(from, out);
      return deserialize(new DataInputDeserializer(out.getSharedBuffer(), 0, out.length()));
    } catch (IOException e) {
      throw new IllegalStateException("cannot copy a title's state", e);
    }
  }

  @Override
  public TitlePopularity copy(TitlePopularity from, TitlePopularity reuse) {
    return copy(from);
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(TitlePopularity t, DataOutputView out) throws IOException {
    out.writeUTF(t.region);
    out.writeUTF(t.assetId);
    writeRate(t.views, out);
    writeRate(t.fastViews, out);
    out.writeInt(t.renditionRequests.size());
    for (Map.Entry<String, DecayedRate> e : t.renditionRequests.entrySet()) {
      out.writeUTF(e.getKey());
      writeRate(e.getValue(), out);
    }
    out.writeLong(t.bytesServed);
    out.writeLong(t.firstSeenMillis);
    out.writeLong(t.publishedAtMillis);
    out.writeBoolean(t.live);
    out.writeByte(t.tier.ordinal());
    out.writeInt(t.prefetchedThrough.size());
    for (Map.Entry<String, Integer> e : t.prefetchedThrough.entrySet()) {
      out.writeUTF(e.getKey());
      out.writeInt(e.getValue());
    }
    out.writeInt(t.prefetchedSince.size());
    for (Map.Entry<String, Long> e : t.prefetchedSince.entrySet()) {
      out.writeUTF(e.getKey());
      out.writeLong(e.getValue());
    }
    out.writeLong(t.nextTickMillis);
    out.writeInt(t.pending.size());
    for (Map.Entry<Long, TitlePopularity.Pending> e : t.pending.entrySet()) {
      out.writeLong(e.getKey());
      writePending(e.getValue(), out);
    }
  }

  @Override
  public TitlePopularity deserialize(DataInputView in) throws IOException {
    TitlePopularity t = new TitlePopularity(in.readUTF(), in.readUTF());
    t.views = readRate(in);
    t.fastViews = readRate(in);
    int n = in.readInt();
    t.renditionRequests = new HashMap<>();
    for (int i = 0; i < n; i++) {
      t.renditionRequests.put(in.readUTF(), readRate(in));
    }
    t.bytesServed = in.readLong();
    t.firstSeenMillis = in.readLong();
    t.publishedAtMillis = in.readLong();
    t.live = in.readBoolean();
    t.tier = TIERS[in.readByte()];
    n = in.readInt();
    t.prefetchedThrough = new HashMap<>();
    for (int i = 0; i < n; i++) {
      t.prefetchedThrough.put(in.readUTF(), in.readInt());
    }
    n = in.readInt();
    t.prefetchedSince = new HashMap<>();
    for (int i = 0; i < n; i++) {
      t.prefetchedSince.put(in.readUTF(), in.readLong());
    }
    t.nextTickMillis = in.readLong();
    n = in.readInt();
    t.pending = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      t.pending.put(in.readLong(), readPending(in));
    }
    return t;
  }

  @Override
  public TitlePopularity deserialize(TitlePopularity reuse, DataInputView in) throws IOException {
    return deserialize(in);
  }

  @Override
  public void copy(DataInputView in, DataOutputView out) throws IOException {
    serialize(deserialize(in), out);
  }

  @Override
  public TypeSerializerSnapshot<TitlePopularity> snapshotConfiguration() {
    return new Snapshot();
  }

  private static void writeRate(DecayedRate r, DataOutputView out) throws IOException {
    out.writeDouble(r.value);
    out.writeLong(r.atMillis);
  }

  private static DecayedRate readRate(DataInputView in) throws IOException {
    DecayedRate r = new DecayedRate();
    r.value = in.readDouble();
    r.atMillis = in.readLong();
    return r;
  }

  private static void writePending(TitlePopularity.Pending p, DataOutputView out)
      throws IOException {
    out.writeLong(p.firstSeenMillis);
    out.writeLong(p.plays);
    out.writeLong(p.firstSegments);
    out.writeLong(p.bytes);
    out.writeInt(p.renditionRequests.size());
    for (Map.Entry<String, Long> e : p.renditionRequests.entrySet()) {
      out.writeUTF(e.getKey());
      out.writeLong(e.getValue());
    }
    out.writeInt(p.positions.size());
    for (Map.Entry<String, TreeSet<Integer>> e : p.positions.entrySet()) {
      out.writeUTF(e.getKey());
      out.writeInt(e.getValue().size());
      for (int segment : e.getValue()) {
        out.writeInt(segment);
      }
    }
  }

  private static TitlePopularity.Pending readPending(DataInputView in) throws IOException {
    TitlePopularity.Pending p = new TitlePopularity.Pending();
    p.firstSeenMillis = in.readLong();
    p.plays = in.readLong();
    p.firstSegments = in.readLong();
    p.bytes = in.readLong();
    int n = in.readInt();
    for (int i = 0; i < n; i++) {
      p.renditionRequests.put(in.readUTF(), in.readLong());
    }
    n = in.readInt();
    for (int i = 0; i < n; i++) {
      String rendition = in.readUTF();
      int m = in.readInt();
      TreeSet<Integer> segments = new TreeSet<>();
      for (int j = 0; j < m; j++) {
        segments.add(in.readInt());
      }
      p.positions.put(rendition, segments);
    }
    return p;
  }

  /** Restores this serializer; the layout has one version so far. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<TitlePopularity> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
