package dev.segmentflow.schemas.flink;

import dev.segmentflow.schemas.events.DeadLetter;
import dev.segmentflow.schemas.validation.DeadLetters;
import dev.segmentflow.schemas.validation.EventValidator;
import dev.segmentflow.schemas.validation.ReasonCode;
import dev.segmentflow.schemas.validation.Validation;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Validates raw records against a contract: valid ones go on as typed records, the rest to the
 * {@link #DEAD_LETTERS} side output with their reason. Counts both, per reason, as Flink metrics.
 */
public final class ValidateEvents<T> extends ProcessFunction<RawRecord, T>
    implements ResultTypeQueryable<T> {
  public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

  private final Class<T> type;
  private final long maxSkewMillis;
  private final int maxBytes;
  private transient EventValidator<T> validator;
  private transient Counter valid;
  private transient Map<ReasonCode, Counter> invalid;

  public ValidateEvents(Class<T> type) {
    this(type, EventValidator.DEFAULT_MAX_SKEW, EventValidator.DEFAULT_MAX_BYTES);
  }

  public ValidateEvents(Class<T> type, Duration maxSkew, int maxBytes) {
    this.type = type;
    this.maxSkewMillis = maxSkew.toMillis();
    this.maxBytes = maxBytes;
  }

  @Override
  public TypeInformation<T> getProducedType() {
    return TypeInformation.of(type);
  }

  @Override
  public void open(OpenContext context) {
    validator =
        new EventValidator<>(type, Clock.systemUTC(), Duration.ofMillis(maxSkewMillis), maxBytes);
    MetricGroup group = getRuntimeContext().getMetricGroup().addGroup("validation");
    valid = group.counter("valid");
    invalid = new EnumMap<>(ReasonCode.class);
    MetricGroup dlq = group.addGroup("dead_letters");
    for (ReasonCode reason : ReasonCode.values()) {
      invalid.put(reason, dlq.counter(reason.name()));
    }
  }

  @Override
  public void processElement(RawRecord in, Context ctx, Collector<T> out) {
    Validation<T> result = validator.validate(in.value());
    if (result instanceof Validation.Valid<T> v) {
      valid.inc();
      out.collect(v.value());
    } else if (result instanceof Validation.Invalid<T> bad) {
      invalid.get(bad.primary().reason()).inc();
      ctx.output(
          DEAD_LETTERS,
          DeadLetters.of(
              in.topic(),
              in.partition(),
              in.offset(),
              in.value(),
              bad.primary(),
              System.currentTimeMillis()));
    }
  }
}
