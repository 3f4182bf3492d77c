// Types for electron-vite's main-process import suffixes (`?modulePath`, `?nodeWorker`, ...).
/// <reference types="electron-vite/node" />
