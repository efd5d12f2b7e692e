// Type declarations for the decompression packages that ship none.
declare module "seek-bzip" {
  const Bunzip: { decode(input: Uint8Array, output?: Uint8Array): Buffer };
  export default Bunzip;
}

declare module "xz-decompress" {
  // A webpack UMD bundle: the class lives on the CommonJS export object, not as an ESM named export.
  const xzDecompress: {
    XzReadableStream: new (compressed: ReadableStream<Uint8Array>) => ReadableStream<Uint8Array>;
  };
  export default xzDecompress;
}
