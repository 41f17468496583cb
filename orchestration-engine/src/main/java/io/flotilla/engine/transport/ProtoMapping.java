package io.flotilla.engine.transport;

import com.google.protobuf.ByteString;
import io.flotilla.engine.api.Health;
import io.flotilla.engine.api.Provenance;
import io.flotilla.engine.api.RejectReason;
import io.flotilla.engine.api.TrainingTask;
import io.flotilla.engine.model.ParameterLayout;
import io.flotilla.engine.model.TensorSpec;
import io.flotilla.engine.transport.proto.DeviceHealth;
import io.flotilla.engine.transport.proto.Encoding;
import io.flotilla.engine.transport.proto.Error;
import io.flotilla.engine.transport.proto.ErrorCode;
import io.flotilla.engine.transport.proto.ModelLayout;
import io.flotilla.engine.transport.proto.Tensor;
import io.flotilla.engine.transport.proto.TrainingInstruction;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Conversions between engine types and protocol messages, and the typed-error convention: a call that
 * fails carries a {@code flotilla.v1.Error} in its trailers under {@link #ERROR_KEY}, so a client reads a
 * stable {@link ErrorCode} rather than parsing text. Stateless and thread-safe.
 */
public final class ProtoMapping {
  /** Trailer key of the typed error that accompanies a failed call. */
  public static final Metadata.Key<Error> ERROR_KEY = ProtoUtils.keyForProto(Error.getDefaultInstance());

  /** The protocol major versions this build speaks. */
  public static final int MIN_PROTOCOL_VERSION = 1;
  public static final int MAX_PROTOCOL_VERSION = 1;

  private ProtoMapping() {}

  public static ModelLayout layout(ParameterLayout layout) {
    ModelLayout.Builder b = ModelLayout.newBuilder();
    for (TensorSpec t : layout.tensors()) {
      Tensor.Builder tb = Tensor.newBuilder().setName(t.name());
      for (int d : t.shape()) {
        tb.addShape(d);
      }
      b.addTensors(tb);
    }
    return b.build();
  }

  /** @throws IllegalArgumentException for an empty or invalid layout */
  public static ParameterLayout layout(ModelLayout layout) {
    List<TensorSpec> specs = new ArrayList<>();
    for (Tensor t : layout.getTensorsList()) {
      int[] shape = t.getShapeList().stream().mapToInt(Integer::intValue).toArray();
      specs.add(new TensorSpec(t.getName(), shape));
    }
    return new ParameterLayout(specs);
  }

  public static TrainingInstruction instruction(TrainingTask task, Map<String, Double> extraConfig, Encoding enc) {
    TrainingInstruction.Builder b = TrainingInstruction.newBuilder()
        .setRoundId(task.roundId())
        .setBaseVersion(task.baseVersion())
        .setModelSha256(task.model().sha256())
        .setLocalEpochs(task.localEpochs())
        .setBatchSize(task.batchSize())
        .setLearningRate(task.learningRate())
        .putAllConfig(task.config())
        .putAllConfig(extraConfig)
        .setDeadlineUnixMillis(task.deadline().toEpochMilli())
        .setNonce(task.nonce())
        .setUpdateEncoding(enc)
        .setParameterCount(task.model().size());
    return b.build();
  }

  public static io.flotilla.engine.transport.proto.Provenance provenance(Provenance p) {
    io.flotilla.engine.transport.proto.Provenance.Builder b = io.flotilla.engine.transport.proto.Provenance.newBuilder()
        .setDeviceClass(p.deviceClass()).setTrainingMillis(p.trainingMillis()).setSampleCount(p.sampleCount());
    for (long c : p.labelHistogram()) {
      b.addLabelHistogram(c);
    }
    return b.build();
  }

  /** Lenient: negative values from a peer are clamped so that a bad provenance never throws. */
  public static Provenance provenance(io.flotilla.engine.transport.proto.Provenance p) {
    long[] hist = p.getLabelHistogramList().stream().mapToLong(Long::longValue).toArray();
    String dc = p.getDeviceClass().isEmpty() ? "unknown" : p.getDeviceClass();
    return new Provenance(dc, Math.max(0, p.getTrainingMillis()), Math.max(0, p.getSampleCount()), hist);
  }

  public static DeviceHealth health(Health h) {
    DeviceHealth.Builder b = DeviceHealth.newBuilder().setCpuLoad(h.cpuLoad()).setFreeMemoryBytes(h.freeMemoryBytes())
        .setCharging(h.charging());
    if (h.battery() != null) {
      b.setBattery(h.battery()).setBatteryKnown(true);
    }
    return b.build();
  }

  /** The engine's view of a heartbeat; out-of-range values from a peer are clamped. */
  public static Health health(DeviceHealth h) {
    double cpu = h.getCpuLoad() < 0 || !Double.isFinite(h.getCpuLoad()) ? 0 : Math.min(1, h.getCpuLoad());
    Double battery = h.getBatteryKnown() && Double.isFinite(h.getBattery())
        ? Math.max(0, Math.min(1, h.getBattery())) : null;
    return new Health(battery, h.getCharging(), cpu, h.getFreeMemoryBytes() < 0 ? -1 : h.getFreeMemoryBytes());
  }

  /** A heartbeat's phase as the engine names it: {@code idle}, {@code download}, {@code train}, {@code upload}, {@code evaluate}. */
  public static String phase(io.flotilla.engine.transport.proto.Phase p) {
    return switch (p) {
      case PHASE_DOWNLOAD -> "download";
      case PHASE_TRAIN -> "train";
      case PHASE_UPLOAD -> "upload";
      case PHASE_EVALUATE -> "evaluate";
      default -> "idle";
    };
  }

  /**
   * The engine's phase timings from a peer's report.
   *
   * @throws IllegalArgumentException naming the field when a duration is negative
   */
  public static io.flotilla.engine.api.PhaseTimings timings(io.flotilla.engine.transport.proto.PhaseTimings t) {
    return new io.flotilla.engine.api.PhaseTimings(t.getDownloadMillis(), t.getTrainMillis(), t.getUploadMillis());
  }

  public static Error error(ErrorCode code, String detail) {
    return Error.newBuilder().setCode(code).setDetail(detail == null ? "" : detail).build();
  }

  public static Error rejected(RejectReason reason, String detail) {
    return Error.newBuilder().setCode(ErrorCode.UPDATE_REJECTED).setRejectReason(reason.name())
        .setDetail(detail == null ? "" : detail).build();
  }

  /** A gRPC failure carrying {@code error} in its trailers, with a status code that matches it. */
  public static StatusRuntimeException toStatus(Error error) {
    Metadata trailers = new Metadata();
    trailers.put(ERROR_KEY, error);
    Status s = switch (error.getCode()) {
      case MALFORMED, UNSUPPORTED_ENCODING, CHECKSUM_MISMATCH -> Status.INVALID_ARGUMENT;
      case PAYLOAD_TOO_LARGE, RESOURCE_EXHAUSTED -> Status.RESOURCE_EXHAUSTED;
      case UNSUPPORTED_VERSION, UPDATE_REJECTED -> Status.FAILED_PRECONDITION;
      case UNAUTHENTICATED -> Status.UNAUTHENTICATED;
      case BAD_SIGNATURE, REVOKED, PERMISSION_DENIED, ENROLLMENT_REFUSED, REPLAYED -> Status.PERMISSION_DENIED;
      case NOT_FOUND -> Status.NOT_FOUND;
      case SHUTTING_DOWN -> Status.UNAVAILABLE;
      case DEADLINE_EXCEEDED -> Status.DEADLINE_EXCEEDED;
      default -> Status.INTERNAL;
    };
    return s.withDescription(error.getCode() + ": " + error.getDetail()).asRuntimeException(trailers);
  }

  /** The typed error of a failed call: from its trailers, or derived from the bare gRPC status. */
  public static Error errorOf(Throwable t) {
    Status s = Status.fromThrowable(t);
    Metadata trailers = Status.trailersFromThrowable(t);
    if (trailers != null && trailers.containsKey(ERROR_KEY)) {
      Error e = trailers.get(ERROR_KEY);
      if (e != null) {
        return e;
      }
    }
    ErrorCode code = switch (s.getCode()) {
      case RESOURCE_EXHAUSTED -> ErrorCode.RESOURCE_EXHAUSTED;
      case INVALID_ARGUMENT -> ErrorCode.MALFORMED;
      case UNAUTHENTICATED, PERMISSION_DENIED -> ErrorCode.UNAUTHENTICATED;
      case NOT_FOUND -> ErrorCode.NOT_FOUND;
      case DEADLINE_EXCEEDED -> ErrorCode.DEADLINE_EXCEEDED;
      case UNAVAILABLE -> ErrorCode.SHUTTING_DOWN;
      default -> ErrorCode.INTERNAL;
    };
    return error(code, s.getCode() + (s.getDescription() == null ? "" : ": " + s.getDescription()));
  }

  public static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  /** Cuts {@code payload} into chunks of at most {@code chunkBytes}, sharing its bytes (no copies). */
  public static List<ByteString> chunks(ByteString payload, int chunkBytes) {
    List<ByteString> out = new ArrayList<>();
    for (int off = 0; off < payload.size(); off += chunkBytes) {
      out.add(payload.substring(off, Math.min(payload.size(), off + chunkBytes)));
    }
    return out;
  }
}
