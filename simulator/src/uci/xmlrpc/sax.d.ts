// sax ships no types; this is the part of its API the strict XML-RPC pre-check uses.
declare module 'sax' {
  interface SaxTag {
    name: string;
  }
  interface SaxParser {
    onerror: (err: Error) => void;
    ondoctype: (doctype: string) => void;
    onopentag: (tag: SaxTag) => void;
    onclosetag: (name: string) => void;
    ontext: (text: string) => void;
    oncdata: (text: string) => void;
    write(chunk: string): SaxParser;
    close(): SaxParser;
  }
  const sax: { parser(strict: boolean, opts?: Record<string, unknown>): SaxParser };
  export default sax;
}
