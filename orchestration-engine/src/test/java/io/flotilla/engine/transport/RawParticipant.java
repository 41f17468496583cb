package io.flotilla.engine.transport;

import com.google.protobuf.ByteString;
import io.flotilla.engine.transport.proto.Capabilities;
import io.flotilla.engine.transport.proto.CoordinatorGrpc;
import io.flotilla.engine.transport.proto.CoordinatorMessage;
import io.flotilla.engine.transport.proto.Encoding;
import io.flotilla.engine.transport.proto.Error;
import io.flotilla.engine.transport.proto.Hello;
import io.flotilla.engine.transport.proto.ParticipantMessage;
import io.flotilla.engine.transport.proto.TrainingInstruction;
import io.flotilla.engine.transport.proto.UpdateChunk;
import io.flotilla.engine.transport.proto.UpdateHeader;
import io.flotilla.engine.transport.proto.UploadAck;
import io.flotilla.engine.transport.proto.Welcome;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A hand-driven participant for protocol tests: every message is built and checked by the test. */
final class RawParticipant implements AutoCloseable {
  final ManagedChannel channel;
  final CoordinatorGrpc.CoordinatorStub stub;
  final BlockingQueue<CoordinatorMessage> inbox = new LinkedBlockingQueue<>();
  final CompletableFuture<Throwable> ended = new CompletableFuture<>();
  private final StreamObserver<ParticipantMessage> out;
  String token;

  RawParticipant(String target) {
    channel = Grpc.newChannelBuilder(target, InsecureChannelCredentials.create())
        .maxInboundMessageSize(8 << 20).build();
    stub = CoordinatorGrpc.newStub(channel);
    out = stub.session(new StreamObserver<>() {
      @Override
      public void onNext(CoordinatorMessage m) {
        inbox.add(m);
      }

      @Override
      public void onError(Throwable t) {
        ended.complete(t);
      }

      @Override
      public void onCompleted() {
        ended.complete(null);
      }
    });
  }

  static Hello hello(String id) {
    return Hello.newBuilder().setProtocolVersion(1).setParticipantId(id).setDeviceClass("test").setSampleCount(10)
        .setCapabilities(Capabilities.newBuilder().addEncodings(Encoding.RAW_F32)).build();
  }

  synchronized void send(ParticipantMessage m) {
    out.onNext(m);
  }

  Welcome join(String id) throws InterruptedException {
    send(ParticipantMessage.newBuilder().setHello(hello(id)).build());
    Welcome w = await(CoordinatorMessage::hasWelcome).getWelcome();
    token = w.getSessionToken();
    return w;
  }

  CoordinatorMessage await(Predicate<CoordinatorMessage> p) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < end) {
      CoordinatorMessage m = inbox.poll(100, TimeUnit.MILLISECONDS);
      if (m != null && p.test(m)) {
        return m;
      }
    }
    throw new AssertionError("no expected message within 20 s");
  }

  TrainingInstruction awaitInstruction() throws InterruptedException {
    return await(CoordinatorMessage::hasInstruction).getInstruction();
  }

  /** The header of an honest update for {@code in}, with its payload's size and hash. */
  UpdateHeader.Builder header(TrainingInstruction in, byte[] payload, int parameters) {
    return UpdateHeader.newBuilder().setSessionToken(token).setRoundId(in.getRoundId())
        .setBaseVersion(in.getBaseVersion()).setNonce(in.getNonce()).setEncoding(Encoding.RAW_F32)
        .setParameterCount(parameters).setPayloadBytes(payload.length)
        .setPayloadSha256(ByteString.copyFrom(ProtoMapping.sha256(payload))).setSampleCount(10)
        .setCompletedEpochs(1).setRequestedEpochs(1);
  }

  /** Sends these chunks as one upload; completes with the ack or the call's typed error. */
  Outcome upload(List<UpdateChunk> chunks) throws Exception {
    CompletableFuture<UploadAck> f = new CompletableFuture<>();
    StreamObserver<UpdateChunk> req = stub.withDeadlineAfter(20, TimeUnit.SECONDS).uploadUpdate(new StreamObserver<>() {
      @Override
      public void onNext(UploadAck v) {
        f.complete(v);
      }

      @Override
      public void onError(Throwable t) {
        f.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {}
    });
    for (UpdateChunk c : chunks) {
      req.onNext(c);
    }
    req.onCompleted();
    try {
      return new Outcome(f.get(20, TimeUnit.SECONDS), null);
    } catch (java.util.concurrent.ExecutionException e) {
      return new Outcome(null, ProtoMapping.errorOf(e.getCause()));
    }
  }

  Outcome upload(UpdateHeader header, byte[] payload) throws Exception {
    return upload(List.of(UpdateChunk.newBuilder().setHeader(header).build(),
        UpdateChunk.newBuilder().setData(ByteString.copyFrom(payload)).build()));
  }

  /** An upload's answer: an ack (accepted or rejected by the federation) or a refused call. */
  record Outcome(UploadAck ack, Error error) {
    boolean accepted() {
      return ack != null && ack.getAccepted();
    }

    String rejectReason() {
      return ack != null && ack.hasError() ? ack.getError().getRejectReason() : null;
    }
  }

  @Override
  public void close() {
    channel.shutdownNow();
  }
}
