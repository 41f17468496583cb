package io.flotilla.engine.security;

import com.google.protobuf.ByteString;
import io.flotilla.engine.transport.ProtoMapping;
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
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A hand-driven participant over (mutual) TLS for trust tests: every message is built by the test. */
final class MtlsPeer implements AutoCloseable {
  final ManagedChannel channel;
  final CoordinatorGrpc.CoordinatorStub stub;
  final BlockingQueue<CoordinatorMessage> inbox = new LinkedBlockingQueue<>();
  final CompletableFuture<Throwable> ended = new CompletableFuture<>();
  final PrivateKey key;
  private StreamObserver<ParticipantMessage> out;
  String token;

  /** With {@code cert == null} the peer presents no client certificate. */
  MtlsPeer(String target, X509Certificate ca, PrivateKey key, X509Certificate cert) throws Exception {
    this.key = key;
    channel = Grpc.newChannelBuilder(target, credentials(ca, key, cert)).build();
    stub = CoordinatorGrpc.newStub(channel);
  }

  static ChannelCredentials credentials(X509Certificate ca, PrivateKey key, X509Certificate cert) throws Exception {
    TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder().trustManager(stream(Pem.write(ca)));
    if (cert != null) {
      b.keyManager(stream(Pem.write(cert)), stream(Pem.write(key)));
    }
    return b.build();
  }

  static ByteArrayInputStream stream(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.US_ASCII));
  }

  void open() {
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

  /** Sends a hello; returns the welcome's token, or null when the session ended (see {@link #endError}). */
  String join(String claimed) throws Exception {
    open();
    out.onNext(ParticipantMessage.newBuilder().setHello(Hello.newBuilder().setProtocolVersion(1)
        .setParticipantId(claimed).setDeviceClass("test").setSampleCount(10)
        .setCapabilities(Capabilities.newBuilder().addEncodings(Encoding.RAW_F32))).build());
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < end) {
      CoordinatorMessage m = inbox.poll(50, TimeUnit.MILLISECONDS);
      if (m != null && m.hasWelcome()) {
        token = m.getWelcome().getSessionToken();
        return token;
      }
      if (ended.isDone()) {
        return null;
      }
    }
    throw new AssertionError("neither welcome nor refusal within 20 s");
  }

  /** The typed error the session ended with. */
  Error endError() throws Exception {
    Throwable t = ended.get(20, TimeUnit.SECONDS);
    return t == null ? null : ProtoMapping.errorOf(t);
  }

  CoordinatorMessage await(Predicate<CoordinatorMessage> p) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < end) {
      CoordinatorMessage m = inbox.poll(50, TimeUnit.MILLISECONDS);
      if (m != null && p.test(m)) {
        return m;
      }
    }
    throw new AssertionError("no expected message within 20 s");
  }

  TrainingInstruction awaitInstruction() throws InterruptedException {
    return await(CoordinatorMessage::hasInstruction).getInstruction();
  }

  /** A header for {@code payload} answering {@code in}, signed with this peer's key over {@code federation}. */
  UpdateHeader.Builder signed(String federation, TrainingInstruction in, byte[] payload, int parameters) {
    UpdateHeader.Builder h = UpdateHeader.newBuilder().setSessionToken(token).setRoundId(in.getRoundId())
        .setBaseVersion(in.getBaseVersion()).setNonce(in.getNonce()).setEncoding(Encoding.RAW_F32)
        .setParameterCount(parameters).setPayloadBytes(payload.length)
        .setPayloadSha256(ByteString.copyFrom(ProtoMapping.sha256(payload))).setSampleCount(10)
        .setCompletedEpochs(1).setRequestedEpochs(1);
    return sign(h, federation, key);
  }

  static UpdateHeader.Builder sign(UpdateHeader.Builder h, String federation, PrivateKey key) {
    byte[] msg = UpdateSignature.message(federation, h.getRoundId(), h.getBaseVersion(), h.getNonce(),
        h.getPayloadSha256().toByteArray());
    return h.setSignature(ByteString.copyFrom(UpdateSignature.sign(key, msg)))
        .setSignatureAlgorithm(UpdateSignature.ALGORITHM);
  }

  /** An upload's answer: the ack, or the typed error of a refused call. */
  record Outcome(UploadAck ack, Error error) {
    boolean accepted() {
      return ack != null && ack.getAccepted();
    }
  }

  Outcome upload(UpdateHeader header, byte[] payload) throws Exception {
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
    for (UpdateChunk c : List.of(UpdateChunk.newBuilder().setHeader(header).build(),
        UpdateChunk.newBuilder().setData(ByteString.copyFrom(payload)).build())) {
      req.onNext(c);
    }
    req.onCompleted();
    try {
      return new Outcome(f.get(20, TimeUnit.SECONDS), null);
    } catch (java.util.concurrent.ExecutionException e) {
      return new Outcome(null, ProtoMapping.errorOf(e.getCause()));
    }
  }

  @Override
  public void close() {
    channel.shutdownNow();
  }
}
