/**
 * What tests of web tools share (`@fanout/tools-web/testing`): loopback sites that answer
 * by path and record what was asked. Not part of the tools' surface.
 */
export { page, redirect, serve, type Handler, type TestServer } from './serve';
