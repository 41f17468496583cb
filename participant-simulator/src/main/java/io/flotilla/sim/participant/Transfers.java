package io.flotilla.sim.participant;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.flotilla.engine.model.ModelState;
import io.flotilla.engine.model.ParameterLayout;
import io.flotilla.engine.transport.PayloadCodec;
import io.flotilla.engine.transport.PayloadException;
import io.flotilla.engine.transport.ProtoMapping;
import io.flotilla.engine.transport.proto.CoordinatorGrpc;
import io.flotilla.engine.transport.proto.Encoding;
import io.flotilla.engine.transport.proto.Error;
import io.flotilla.engine.transport.proto.ErrorCode;
import io.flotilla.engine.transport.proto.ModelChunk;
import io.flotilla.engine.transport.proto.ModelHeader;
import io.flotilla.engine.transport.proto.ModelRequest;
import io.flotilla.engine.transport.proto.UpdateChunk;
import io.flotilla.engine.transport.proto.UpdateHeader;
import io.flotilla.engine.transport.proto.UploadAck;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The participant side of the bulk calls: downloading a model (reassembled, checked against the payload
 * SHA-256 and the model's own identity hash) and uploading an update in chunks. Each call has a deadline.
 * Stateless and thread-safe.
 */
public final class Transfers {
  private Transfers() {}

  /** A downloaded, verified model and how many payload bytes it took. */
  public record Downloaded(ModelState model, long payloadBytes) {}

  /**
   * An upload's answer: the acknowledgement, or the typed error of a refused call, and how many payload
   * bytes were actually sent (a refused call stops early).
   */
  public record UploadResult(UploadAck ack, Error error, long sentBytes) {
    public UploadResult(UploadAck ack, Error error) {
      this(ack, error, 0);
    }

    public boolean accepted() {
      return ack != null && ack.getAccepted();
    }

    /** The typed error: the ack's (a federation rejection) or the call's. */
    public Error errorOrNull() {
      if (ack != null) {
        return ack.hasError() ? ack.getError() : null;
      }
      return error;
    }
  }

  /**
   * Downloads model {@code version} for the session {@code token}.
   *
   * @throws PayloadException with the typed error when the call fails or the payload does not check out
   */
  public static Downloaded download(CoordinatorGrpc.CoordinatorBlockingStub stub, String token, long version,
      Duration timeout, long maxBytes) throws PayloadException {
    ModelHeader header = null;
    byte[] buf = null;
    int filled = 0;
    try {
      Iterator<ModelChunk> it = stub.withDeadlineAfter(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS)
          .downloadModel(ModelRequest.newBuilder().setSessionToken(token).setVersion(version).build());
      while (it.hasNext()) {
        ModelChunk c = it.next();
        if (header == null) {
          if (!c.hasHeader()) {
            throw new PayloadException(ErrorCode.MALFORMED, "model stream did not start with a header");
          }
          header = c.getHeader();
          if (header.getPayloadBytes() < 0 || (maxBytes > 0 && header.getPayloadBytes() > maxBytes)) {
            throw new PayloadException(ErrorCode.PAYLOAD_TOO_LARGE, "model payload of " + header.getPayloadBytes()
                + " bytes exceeds this participant's limit of " + maxBytes);
          }
          buf = new byte[(int) header.getPayloadBytes()];
          continue;
        }
        ByteString d = c.getData();
        if (filled + (long) d.size() > buf.length) {
          throw new PayloadException(ErrorCode.MALFORMED, "model stream longer than its header declared");
        }
        d.copyTo(buf, filled);
        filled += d.size();
      }
    } catch (StatusRuntimeException e) {
      Error err = ProtoMapping.errorOf(e);
      throw new PayloadException(err.getCode(), err.getDetail());
    }
    if (header == null || filled != buf.length) {
      throw new PayloadException(ErrorCode.MALFORMED, "model stream ended early");
    }
    if (!MessageDigest.isEqual(ProtoMapping.sha256(buf), header.getPayloadSha256().toByteArray())) {
      throw new PayloadException(ErrorCode.CHECKSUM_MISMATCH, "model payload SHA-256 mismatch");
    }
    ParameterLayout layout;
    try {
      layout = ProtoMapping.layout(header.getLayout());
    } catch (IllegalArgumentException e) {
      throw new PayloadException(ErrorCode.MALFORMED, "invalid model layout: " + e.getMessage());
    }
    if (layout.size() != header.getParameterCount()) {
      throw new PayloadException(ErrorCode.MALFORMED, "layout size does not match the parameter count");
    }
    float[] params = PayloadCodec.decode(buf, header.getEncoding(), (int) header.getParameterCount());
    ModelState model = ModelState.adopt(layout, params, header.getVersion());
    if (!model.sha256().equals(header.getModelSha256())) {
      throw new PayloadException(ErrorCode.CHECKSUM_MISMATCH, "model identity hash mismatch after decoding");
    }
    return new Downloaded(model, buf.length);
  }

  /** The header of an update carrying {@code payload}: its size and SHA-256 filled in. */
  public static UpdateHeader.Builder header(UpdateHeader.Builder fields, Encoding encoding, int parameters,
      byte[] payload) {
    return fields.setEncoding(encoding).setParameterCount(parameters).setPayloadBytes(payload.length)
        .setPayloadSha256(ByteString.copyFrom(ProtoMapping.sha256(payload)));
  }

  /** Uploads {@code header} and {@code payload} in chunks of {@code chunkBytes} and waits for the answer. */
  public static UploadResult upload(CoordinatorGrpc.CoordinatorStub stub, UpdateHeader header, byte[] payload,
      int chunkBytes, Duration timeout) throws InterruptedException {
    try {
      return uploadAsync(stub, header, payload, chunkBytes, timeout).get(timeout.toMillis() + 1000,
          TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      return new UploadResult(null, ProtoMapping.errorOf(e.getCause()));
    } catch (TimeoutException e) {
      return new UploadResult(null, ProtoMapping.error(ErrorCode.DEADLINE_EXCEEDED, "no answer to the upload"));
    }
  }

  /**
   * Starts an upload without waiting: the answer (the coordinator's verdict, which may wait for the round's
   * earlier cohort members) completes the returned future, never exceptionally.
   */
  public static CompletableFuture<UploadResult> uploadAsync(CoordinatorGrpc.CoordinatorStub stub,
      UpdateHeader header, byte[] payload, int chunkBytes, Duration timeout) {
    CompletableFuture<UploadAck> answer = new CompletableFuture<>();
    long[] sent = {0};
    // the payload is never modified after encoding: wrap it instead of copying megabytes
    List<ByteString> chunks = ProtoMapping.chunks(UnsafeByteOperations.unsafeWrap(payload), chunkBytes);
    try {
      stub.withDeadlineAfter(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS)
          .uploadUpdate(new ClientResponseObserver<UpdateChunk, UploadAck>() {
            private ClientCallStreamObserver<UpdateChunk> requests;
            private int next = -1;
            private boolean done;

            @Override
            public void beforeStart(ClientCallStreamObserver<UpdateChunk> r) {
              requests = r;
              r.setOnReadyHandler(this::pump);
            }

            /** Sends while the transport is ready: flow control bounds what waits in memory. */
            private synchronized void pump() {
              while (!done && requests.isReady()) {
                if (answer.isDone()) {
                  done = true; // refused early: stop sending
                  return;
                }
                if (next < 0) {
                  requests.onNext(UpdateChunk.newBuilder().setHeader(header).build());
                } else if (next < chunks.size()) {
                  requests.onNext(UpdateChunk.newBuilder().setData(chunks.get(next)).build());
                  sent[0] += chunks.get(next).size();
                } else {
                  requests.onCompleted();
                  done = true;
                  return;
                }
                next++;
              }
            }

            @Override
            public void onNext(UploadAck v) {
              answer.complete(v);
            }

            @Override
            public void onError(Throwable t) {
              answer.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
              answer.completeExceptionally(new IllegalStateException("upload answered without an acknowledgement"));
            }
          });
    } catch (RuntimeException e) {
      answer.completeExceptionally(e);
    }
    return answer.handle((ack, err) -> err == null ? new UploadResult(ack, null, sent[0])
        : new UploadResult(null, ProtoMapping.errorOf(err instanceof java.util.concurrent.CompletionException
            && err.getCause() != null ? err.getCause() : err), sent[0]));
  }
}
