package dev.segmentflow.analytics.flink;

import dev.segmentflow.analytics.qoe.MinuteSlice;
import dev.segmentflow.analytics.qoe.QoeMinute;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** Sums one minute's session slices of an asset x region x edge x device. */
public final class MinuteWindowFunction
    extends ProcessWindowFunction<MinuteSlice, QoeMinute, String, TimeWindow> {
  @Override
  public void process(
      String key, Context ctx, Iterable<MinuteSlice> slices, Collector<QoeMinute> out) {
    out.collect(QoeMinute.of(slices));
  }
}
