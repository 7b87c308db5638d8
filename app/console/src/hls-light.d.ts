// hls.js ships no types for its light build; it has the full build's API, less some features.
declare module 'hls.js/light' {
  export * from 'hls.js'
  export { default } from 'hls.js'
}
