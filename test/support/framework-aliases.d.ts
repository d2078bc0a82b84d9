// The tests run the adapters against the previous major versions too, installed under these aliases.
declare module 'express4' {
  import express = require('express')
  export = express
}
declare module 'koa2' {
  import Koa = require('koa')
  export = Koa
}
