/** esbuild loads the controls' .resx files as text (loader `.resx: text`). */
declare module '*.resx' {
  const text: string;
  export default text;
}
